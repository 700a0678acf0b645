"""Who is calling: a bill aggregator, by the bearer key AGGREGATOR_KEYS gives it.

AGGREGATOR_KEYS holds `name:key` pairs, comma-separated (`bank1:k3y…,branchnet:…`). The name is how
payments knows the aggregator: its transactions are kept under it and FeePaid says it. A request's key
is compared with every configured key, each in constant time (hmac.compare_digest over SHA-256 digests,
so neither the place of the first differing character nor a key's length shows in the timing), and the
comparison never stops early. Keys are never logged, nor shown in an error.
"""
import functools
import hashlib
import hmac
import logging
import re

from flask import current_app, g
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from servicekit.requests import bearer_token

SETTING = "AGGREGATOR_KEYS"
EXTENSION = "payments_aggregator_keys"  # where create_app keeps the parsed keys (app.extensions)
NAME = re.compile(r"^[A-Za-z0-9._-]{1,40}$")  # no colon: a transaction's `_id` is "<name>:<transaction id>"
MIN_KEY_LENGTH = 16
log = logging.getLogger(__name__)


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class AggregatorKeys:
    """The configured aggregators, each by name with its key's digest."""

    def __init__(self, keys: dict[str, str]):
        self._digests = [(name, _digest(key)) for name, key in keys.items()]

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self._digests]

    @classmethod
    def parse(cls, text: str) -> "AggregatorKeys":
        """From the setting's `name:key,name:key`; ValueError naming AGGREGATOR_KEYS (never a key) when it is
        empty or malformed: a pair without a colon, a name of other characters, a key shorter than
        MIN_KEY_LENGTH, a name or a key given twice."""
        keys: dict[str, str] = {}
        for position, pair in enumerate((p.strip() for p in text.split(",") if p.strip()), start=1):
            name, colon, key = pair.partition(":")
            name, key = name.strip(), key.strip()
            if not colon or not NAME.match(name):
                raise ValueError(f"{SETTING}: pair {position} is not name:key (a name of 1-40 letters, digits, . _ -)")
            if len(key) < MIN_KEY_LENGTH:
                raise ValueError(f"{SETTING}: the key of {name} is shorter than {MIN_KEY_LENGTH} characters")
            if name in keys:
                raise ValueError(f"{SETTING}: {name} is named twice")
            if key in keys.values():
                raise ValueError(f"{SETTING}: {name} has the key of another aggregator")
            keys[name] = key
        if not keys:
            raise ValueError(f"{SETTING} is not set: name:key pairs of the aggregators allowed to call")
        return cls(keys)

    def identify(self, token: str | None) -> str | None:
        """The name of the aggregator whose key `token` is; None when it is nobody's."""
        if not token:
            return None
        presented = _digest(token)
        found = None
        for name, digest in self._digests:  # every key compared, whichever matches
            if hmac.compare_digest(presented, digest):
                found = name
        return found


def requires_aggregator(view):
    """API views: 401 unless the request carries a configured aggregator's key; `g.aggregator` is its name."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        name = current_app.extensions[EXTENSION].identify(bearer_token())
        if name is None:
            log.warning("aggregator request refused: no key, or not a configured one")
            raise Unauthorized("Send the aggregator's key: 'Authorization: Bearer <key>'.",
                               www_authenticate=WWWAuthenticate("bearer", {"realm": "payments"}))
        g.aggregator = name
        return view(*args, **kwargs)
    return wrapper
