"""Submissions and status lookups are limited per client address: 429 with Retry-After."""
import httpx

from support.intake import valid_application


def test_status_lookups_are_limited_per_address(client, stack, submit):
    application_id, _, _ = submit()
    limit = 120  # STATUS_LIMIT_PER_MINUTE's default, counted in fixed one-minute windows
    # Windows are fixed, so a burst that straddles a minute boundary may need up to twice the limit.
    for sent in range(1, 2 * limit + 10):
        refused = client.get(f"/api/v1/applications/{application_id}/status")
        if refused.status_code == 429:
            break
        assert refused.status_code == 200
    assert refused.status_code == 429 and sent > limit
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["code"] == 429
    with httpx.Client(base_url=stack.url("intake"), transport=httpx.HTTPTransport(local_address="127.0.0.77")) as other:
        assert other.get(f"/api/v1/applications/{application_id}/status").status_code == 200  # per address


def test_submissions_are_limited_per_address(client):
    limit = 30  # SUBMIT_LIMIT_PER_HOUR's default; invalid bodies count too, and store nothing
    for sent in range(1, 2 * limit + 5):  # fixed hourly windows: a burst across the hour may need twice the limit
        code = client.post("/api/v1/applications", json=valid_application(cnic="bad")).status_code
        if code == 429:
            break
        assert code == 422
    assert code == 429 and sent > limit
    assert client.post("/api/v1/applications", json=valid_application()).status_code == 429
