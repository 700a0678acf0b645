"""The consumers' side of per-applicant keys, against a stand-in for intake's key API: a key is fetched once and
cached, forgotten on erasure; 410 means erased for good, anything else a passing failure the consumer waits out."""
import base64

import httpx
import pytest

from eventkit.consumer import DependencyDown
from servicekit.crypto import KeyErased
from servicekit.data_keys import KeysUnavailable, RemoteDataKeys

KEY = bytes(range(32))


def intake(answers: dict, calls: list):
    def handle(request: httpx.Request) -> httpx.Response:
        calls.append((request.url.path, request.headers["Authorization"]))
        status = answers.get(request.url.path.rsplit("/", 1)[1], 404)
        body = {"key": base64.b64encode(KEY).decode()} if status == 200 else {"message": "no"}
        return httpx.Response(status, json=body)
    return httpx.Client(transport=httpx.MockTransport(handle))


def test_a_key_is_fetched_with_the_token_once_then_cached_until_forgotten():
    calls = []
    keys = RemoteDataKeys("http://intake", "tok", client=intake({"app1.contact": 200}, calls))
    assert keys.resolve("app1.contact") == KEY and keys.resolve("app1.contact") == KEY
    assert calls == [("/api/v1/data-keys/app1.contact", "Bearer tok")]
    keys.forget("app1")
    keys.resolve("app1.contact")
    assert len(calls) == 2


def test_erased_is_final_and_an_outage_is_a_passing_failure():
    keys = RemoteDataKeys("http://intake", "tok", client=intake({"gone.contact": 410, "busy.contact": 503}, []))
    with pytest.raises(KeyErased):
        keys.resolve("gone.contact")
    with pytest.raises(KeysUnavailable) as down:
        keys.resolve("busy.contact")
    assert isinstance(down.value, DependencyDown)  # the consumer loop retries it for as long as it takes
