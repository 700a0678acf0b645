"""Watches and webhooks on the running stack: a receiver in the test, a partner key from the operator's CLI,
decisions published on verification.events as verification would. Each change of a watched registration reaches
the receiver exactly once, signed (checked here with the HMAC recipe the API documents, not the directory's code),
retried when the receiver fails, also when the directory was down while the change was published; bad input is
refused field by field."""
import hashlib
import hmac
import http.server
import json
import os
import threading
import time

import httpx
import pytest

from domainkit.registration import format_registration_number
from support.directory import directory_cli

from .test_partner_api import bearer, issue
from .test_verification_and_profiles import approval_payload, verify

DIRECTORY = ("directory:directory-web", "directory:directory-worker", "directory:directory-scheduler")


class Receiver:
    """A partner's webhook endpoint on loopback: keeps every request; answers the scripted codes first, then 200."""

    def __init__(self, *answers: int):
        self.answers, self.requests, self.lock = list(answers), [], threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    code = receiver.answers.pop(0) if receiver.answers else 200
                    receiver.requests.append({"headers": dict(self.headers), "body": body, "answered": code,
                                              "at": time.time()})
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def delivered(self) -> list[dict]:
        """The requests answered 2xx, their bodies parsed."""
        with self.lock:
            return [{**r, "json": json.loads(r["body"])} for r in self.requests if 200 <= r["answered"] < 300]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(*answers: int) -> Receiver:
        made.append(Receiver(*answers))
        return made[-1]
    yield make
    for r in made:
        r.close()


def new_number() -> str:
    return format_registration_number(2024, int.from_bytes(os.urandom(3), "big") % 999_999 + 1)


def listed(publish_decision, stack, wait_for) -> str:
    number = new_number()
    publish_decision("ApplicationApproved", f"app-{number}", approval_payload(number, "2099-01-01"))
    wait_for(lambda: verify(stack, number)["status"] == "valid", message="the listing")
    return number


def watcher(stack, url: str, *numbers: str) -> tuple[str, str]:
    """(key, signing secret) of a new key watching `numbers`, its webhooks sent to `url`."""
    _, key = issue(600, "watch")
    answer = httpx.put(stack.url("directory", "/api/v1/partner/webhook"), json={"url": url}, headers=bearer(key))
    assert answer.status_code == 200, answer.text
    added = httpx.post(stack.url("directory", "/api/v1/partner/watches"), json={"numbers": list(numbers)},
                       headers=bearer(key))
    assert added.status_code == 200 and added.json()["added"] == len(numbers), added.text
    return key, answer.json()["signing_secret"]


def check_signature(request: dict, secret: str) -> None:
    """As a partner would: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">, the time within 5 minutes."""
    parts = dict(part.split("=", 1) for part in request["headers"]["X-Registry-Signature"].split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + request["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    assert abs(time.time() - int(parts["t"])) < 300


def test_each_change_of_a_watched_registration_is_delivered_once_signed_and_retried(
        stack, publish_decision, receiver, wait_for):
    hooks = receiver(500)  # the first attempt fails: the delivery is retried
    number, unwatched = listed(publish_decision, stack, wait_for), listed(publish_decision, stack, wait_for)
    key, secret = watcher(stack, hooks.url, number)
    revoked = publish_decision("RegistrationRevoked", f"app-{number}", {"registration_number": number})
    first = wait_for(lambda: hooks.delivered(), message="the revocation's delivery")[0]
    check_signature(first, secret)
    assert first["json"]["type"] == "registration.revoked" == first["headers"]["X-Registry-Event"]
    assert first["json"]["data"]["registration_number"] == number and first["json"]["data"]["status"] == "revoked"
    assert first["headers"]["X-Registry-Delivery"] == first["json"]["id"]
    assert hooks.requests[0]["headers"]["X-Registry-Delivery"] == first["json"]["id"]  # the failed try: same id

    publish_decision("RegistrationRevoked", f"app-{number}", {}, event=revoked)  # the same event again
    publish_decision("RegistrationRevoked", f"app-{unwatched}", {"registration_number": unwatched})
    publish_decision("RegistrationReinstated", f"app-{number}", {"registration_number": number, "status": "approved"})
    wait_for(lambda: len(hooks.delivered()) >= 2, message="the reinstatement's delivery")
    wait_for(lambda: verify(stack, unwatched)["status"] == "revoked", message="the unwatched revocation")
    time.sleep(3)  # more than the retry delay: anything sent twice would have arrived
    delivered = hooks.delivered()
    assert [d["json"]["type"] for d in delivered] == ["registration.revoked", "registration.reinstated"]
    assert [d["json"]["data"]["status"] for d in delivered] == ["revoked", "valid"]
    for d in delivered:
        check_signature(d, secret)

    log = httpx.get(stack.url("directory", "/api/v1/partner/deliveries"), headers=bearer(key)).json()["items"]
    assert [(d["type"], d["status"]) for d in log] == [("registration.reinstated", "delivered"),
                                                       ("registration.revoked", "delivered")]
    assert [a["status_code"] for a in log[1]["attempts"]] == [500, 200]


def test_a_change_while_the_directory_is_down_is_delivered_once_when_it_is_back(
        stack, publish_decision, receiver, wait_for):
    hooks = receiver()
    number = listed(publish_decision, stack, wait_for)
    _, secret = watcher(stack, hooks.url, number)
    for program in DIRECTORY:
        stack.supervisorctl("stop", program)
    try:
        publish_decision("RegistrationExpired", f"app-{number}", {"registration_number": number})
        time.sleep(1)
    finally:
        for program in DIRECTORY:
            stack.supervisorctl("start", program)
    wait_for(lambda: hooks.delivered(), timeout=60, message="the expiry's delivery after the restart")
    wait_for(lambda: httpx.get(stack.url("directory", "/readyz")).status_code == 200, timeout=60,
             message="the directory to be ready again")
    stack.supervisorctl("restart", "directory:directory-scheduler")  # a restart after sending sends nothing again
    time.sleep(3)
    (delivered,) = hooks.delivered()
    check_signature(delivered, secret)
    assert delivered["json"]["type"] == "registration.expired"
    assert verify(stack, number)["status"] == "expired"


def test_a_test_delivery_the_watch_list_and_bad_input(stack, receiver, wait_for):
    hooks = receiver()
    number = new_number()
    key, _ = watcher(stack, hooks.url, number)
    url = stack.url("directory", "/api/v1/partner")
    again = httpx.post(f"{url}/watches", json={"numbers": [number.lower().replace("-", " ")]}, headers=bearer(key))
    assert again.json() == {"added": 0, "numbers": [number]}  # typed loosely, the same number
    sent = httpx.post(f"{url}/webhook/test", headers=bearer(key))
    assert sent.status_code == 202 and sent.json()["type"] == "webhook.test"
    arrived = wait_for(lambda: hooks.delivered(), message="the test delivery")[0]
    assert arrived["json"]["id"] == sent.json()["id"]
    assert httpx.get(f"{url}/webhook", headers=bearer(key)).json()["url"] == hooks.url

    assert httpx.get(f"{url}/watches", headers=bearer(key)).json()["items"][0]["number"] == number
    bad_url = httpx.put(f"{url}/webhook", json={"url": "ftp://bank.example/hooks"}, headers=bearer(key))
    assert bad_url.status_code == 422 and "url" in bad_url.json()["errors"]
    typo = number[:-1] + ("A" if number[-1] != "A" else "B")
    bad_numbers = httpx.post(f"{url}/watches", json={"numbers": [number, typo]}, headers=bearer(key))
    assert bad_numbers.status_code == 422 and list(bad_numbers.json()["errors"]["numbers"]) == ["1"]
    assert httpx.post(f"{url}/watches", json={"numbers": []}, headers=bearer(key)).status_code == 422
    assert httpx.get(f"{url}/webhook", headers=bearer(key)).json()["url"] == hooks.url  # nothing changed

    assert httpx.delete(f"{url}/watches/{number}", headers=bearer(key)).status_code == 204
    assert httpx.delete(f"{url}/watches/{number}", headers=bearer(key)).status_code == 404
    assert httpx.get(f"{url}/watches", headers=bearer(key)).json()["items"] == []

    _, verifier = issue(600, "verify:bulk")
    assert httpx.get(f"{url}/watches", headers=bearer(verifier)).status_code == 403
    assert httpx.get(f"{url}/deliveries").status_code == 401
    revoked_id, revoked = issue(600, "watch")
    assert directory_cli("partner-key", "revoke", revoked_id).returncode == 0
    assert httpx.get(f"{url}/deliveries", headers=bearer(revoked)).status_code == 401
