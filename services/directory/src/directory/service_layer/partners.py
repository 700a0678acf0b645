"""The partner API's use cases (domain/partners.py has the rules): an operator issues, lists and revokes keys
(the directory's CLI); a partner's request is authenticated and counted against its key's own quota, and checks
up to BULK_MAX registration numbers at once.

The quota is counted like the public limits (servicekit.rate_limit, exact: one atomic upsert per request), in a
bucket per key, so every web process shares it."""
import datetime as dt

from directory.domain.partners import BULK_MAX, check_key, new_key, parse_key
from directory.service_layer.queries import verifications_of


class OverQuota(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class TooMany(ValueError):
    """More numbers than one bulk check takes."""


def issue_key(keys, name: str, scopes: list[str], per_minute: int, now: dt.datetime):
    """A new key (domain.partners.IssuedKey: the key itself is in it, shown once); ValueError for bad scopes."""
    issued = new_key(name, scopes, per_minute, now)
    keys.add(issued.record)
    return issued


def authorise(keys, limiter_for, presented: str, scope: str) -> dict:
    """The key's record, its request counted; KeyRefused, OutOfScope (domain.partners) or OverQuota."""
    key_id, secret = parse_key(presented)
    record = check_key(keys.get(key_id), secret, scope)
    retry_after = limiter_for(record).hit(record["_id"])
    if retry_after is not None:
        raise OverQuota(retry_after)
    return record


def bulk_verify(listings, numbers: list[str], today: dt.date) -> list[dict]:
    """One verdict per number, in order (as the public verify gives it); TooMany past BULK_MAX."""
    if len(numbers) > BULK_MAX:
        raise TooMany(len(numbers))
    return verifications_of(listings, numbers, today)
