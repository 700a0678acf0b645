"""The partner API's rules and use cases with fakes: a key shown once and kept as a hash, refused when wrong,
unknown or revoked (the same refusal), its scope and its own quota enforced; a bulk check answering one line per
number, in order, as the public verify does, up to 1,000 numbers."""
import datetime as dt

import pytest

from directory.domain.partners import BULK_MAX, BULK_VERIFY, KeyRefused, OutOfScope, secret_hash
from directory.service_layer import partners, queries
from directory.service_layer.handlers import handle_decision

from .test_service_layer import TODAY, FakeListings, a_number, approval, revocation

NOW = dt.datetime(2026, 6, 1, 9, tzinfo=dt.timezone.utc)


class FakeKeys:
    def __init__(self):
        self.records = {}

    def add(self, record):
        self.records[record["_id"]] = dict(record)

    def get(self, key_id):
        return self.records.get(key_id)

    def revoke(self, key_id, at):
        record = self.records.get(key_id)
        if record is None or record["revoked_at"]:
            return False
        record["revoked_at"] = at
        return True

    def set_webhook_url(self, key_id, url):
        self.records[key_id]["webhook_url"] = url


class FakeLimiter:
    """Counts per key within one window, like servicekit.rate_limit.RateLimiter with exact hits."""
    counts: dict = {}

    def __init__(self, record):
        self.limit = record["per_minute"]

    def hit(self, client):
        FakeLimiter.counts[client] = FakeLimiter.counts.get(client, 0) + 1
        return None if FakeLimiter.counts[client] <= self.limit else 42


@pytest.fixture
def keys():
    FakeLimiter.counts = {}
    return FakeKeys()


def test_a_key_is_shown_once_and_kept_only_as_a_hash(keys):
    issued = partners.issue_key(keys, "Bank of Lahore", [BULK_VERIFY], 600, NOW)
    key_id, secret = issued.key.removeprefix("prk_").split(".")
    stored = keys.records[key_id]
    assert secret not in str(stored) and stored["secret_hash"] == secret_hash(secret)
    assert partners.authorise(keys, FakeLimiter, issued.key, BULK_VERIFY)["name"] == "Bank of Lahore"


@pytest.mark.parametrize("presented", ["", "prk_nonsense", "Bearer x", "prk_000000000000." + "A" * 43])
def test_missing_malformed_and_unknown_keys_are_refused_alike(keys, presented):
    partners.issue_key(keys, "Bank", [BULK_VERIFY], 600, NOW)
    with pytest.raises(KeyRefused):
        partners.authorise(keys, FakeLimiter, presented, BULK_VERIFY)


def test_a_wrong_secret_and_a_revoked_key_are_refused(keys):
    issued = partners.issue_key(keys, "Bank", [BULK_VERIFY], 600, NOW)
    with pytest.raises(KeyRefused):
        partners.authorise(keys, FakeLimiter, issued.key[:-1] + ("A" if issued.key[-1] != "A" else "B"), BULK_VERIFY)
    assert keys.revoke(issued.key_id, NOW) and not keys.revoke(issued.key_id, NOW)
    with pytest.raises(KeyRefused):
        partners.authorise(keys, FakeLimiter, issued.key, BULK_VERIFY)


def test_a_key_calls_only_within_its_scope_and_its_quota(keys):
    issued = partners.issue_key(keys, "Client", [BULK_VERIFY], 3, NOW)
    for _ in range(3):
        partners.authorise(keys, FakeLimiter, issued.key, BULK_VERIFY)
    with pytest.raises(partners.OverQuota) as over:
        partners.authorise(keys, FakeLimiter, issued.key, BULK_VERIFY)
    assert over.value.retry_after == 42
    with pytest.raises(OutOfScope):
        partners.authorise(keys, FakeLimiter, issued.key, "watch")
    with pytest.raises(ValueError):
        partners.issue_key(keys, "Client", ["everything"], 3, NOW)


def test_a_bulk_check_answers_each_number_in_order_as_the_public_verify_does():
    listings = FakeListings()
    valid, revoked = a_number(7), a_number(8)
    for event in (approval(valid, "2026-03-01"), approval(revoked, "2026-03-01"), revocation(revoked, "2026-04-01")):
        handle_decision(listings, event, None)
    typo = valid[:-1] + ("A" if valid[-1] != "A" else "B")
    numbers = [valid.lower(), revoked, typo, "nonsense", a_number(9), valid]
    results = partners.bulk_verify(listings, numbers, TODAY)
    assert [r["status"] for r in results] == ["valid", "revoked", "mistyped", "unknown", "unknown", "valid"]
    assert results == [queries.verification_of(listings, n, TODAY) for n in numbers]
    with pytest.raises(partners.TooMany):
        partners.bulk_verify(listings, [valid] * (BULK_MAX + 1), TODAY)
