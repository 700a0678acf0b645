"""The drills' audit: after a failure, every accepted application reached exactly one final
state through exactly one event per decision, each clean one's fee voucher was issued and paid
once, each is listed exactly once when it should be, and got exactly one message per notification."""
import collections
import itertools
import time

import httpx

from eventkit.envelope import decode
from eventkit.mongo import get_database
from eventkit.topics import PAYMENTS_EVENTS, VERIFICATION_EVENTS
from support.kafka import read_to_end
from support.mail import emails_by_recipient, sms_by_recipient
from support.traffic import Submission

# Every event of verification's that moves an application (docs/lifecycle.md): an audited application has
# exactly the ones its kind expects, so a stray one (a second outcome, an expiry, a renewal, a revocation) fails.
DECISIONS = {"ApplicationApprovedInPrinciple", "RegistrationIssued", "ApplicationLapsed", "ApplicationRejected",
             "ApplicationFlagged", "ApplicationApproved", "RegistrationExpired", "RenewalApprovedInPrinciple",
             "RegistrationRenewed", "RenewalRejected", "RegistrationRevoked", "RegistrationReinstated"}
FEE_EVENTS = {"VoucherIssued": 1, "FeePaid": 1}  # a clean application's, once each
# payments' events no audited application may have: its voucher is paid, never expired nor cancelled
NO_FEE_EVENTS = {"VoucherExpired", "VoucherCancelled"}


def wait_until_settled(stack, submissions: list[Submission], timeout: float = 240) -> None:
    """Poll until intake shows every application's expected outcome, the directory lists each approved
    one, and each applicant holds the expected messages; fail with what is still missing."""
    intake = get_database(stack.servers.mongodb_uri, "intake")["applications"]
    pending = list(submissions)
    deadline = time.monotonic() + timeout
    for round_ in itertools.count():
        emails = emails_by_recipient(s.email for s in pending)
        sms = sms_by_recipient(s.mobile_e164 for s in pending)
        uncertain = _uncertain(stack) if round_ % 5 == 4 else set()
        pending = [s for s in pending if not (
            (doc := intake.find_one({"_id": s.application_id}, {"status": 1})) and doc["status"] == s.outcome
            and min(len(emails.get(s.email, [])), len(sms.get(s.mobile_e164, [])))
            >= s.messages - (s.application_id in uncertain)
            and (s.outcome != "approved" or _listings_of(stack, s)))]
        print(f"[audit] {time.strftime('%H:%M:%S')} {len(pending)} of {len(submissions)} not settled yet", flush=True)
        if not pending or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert not pending, f"{len(pending)} of {len(submissions)} applications did not settle: {pending[:3]}"


def audit(stack, submissions: list[Submission], settle_timeout: float = 240) -> dict:
    """Wait for the system to settle, then check every accepted application end to end; returns counts."""
    assert submissions, "the stream had accepted applications to audit"
    wait_until_settled(stack, submissions, settle_timeout)
    time.sleep(3)  # anything sent twice would arrive within moments of the first
    by_id = {s.application_id: s for s in submissions}
    intake = get_database(stack.servers.mongodb_uri, "intake")["applications"]
    cases = get_database(stack.servers.mongodb_uri, "verification")["cases"]

    # decisions follow acceptance; a minute's margin covers clock steps between client and broker
    since_ms = min(s.accepted_at_ms for s in submissions) - 60_000
    decisions = _distinct_events(stack, VERIFICATION_EVENTS, since_ms, by_id, DECISIONS)
    fees = _distinct_events(stack, PAYMENTS_EVENTS, since_ms, by_id, set(FEE_EVENTS) | NO_FEE_EVENTS)

    uncertain = _uncertain(stack)
    emails = emails_by_recipient(s.email for s in submissions)
    sms = sms_by_recipient(s.mobile_e164 for s in submissions)
    for s in submissions:
        doc = intake.find_one({"_id": s.application_id})
        case = cases.find_one({"_id": s.application_id})
        assert doc["status"] == s.outcome and case["state"] == s.outcome, (s, doc["status"], case["state"])
        # one event per decision, whatever was redelivered or replayed (a repeat has the first one's id)
        decided = decisions[s.application_id]
        assert sorted(t for _, t in decided) == sorted(s.decisions), (s, decided)
        expected_fees = FEE_EVENTS if s.kind == "clean" else {}
        assert collections.Counter(t for _, t in fees[s.application_id]) == expected_fees, (s, fees[s.application_id])
        found = _listings_of(stack, s)
        if s.outcome == "approved":
            number = doc["decision"]["registration_number"]
            assert [i["registration_number"] for i in found] == [number], (s, found)
            assert httpx.get(stack.url("directory", f"/api/v1/freelancers/{number}")).status_code == 200
        else:
            assert found == [], (s, found)
        _assert_once_each(s, [m["Subject"] for m in emails.get(s.email, [])], s.application_id in uncertain)
        _assert_once_each(s, [m["message_key"] for m in sms.get(s.mobile_e164, [])], s.application_id in uncertain)
    return {"audited": len(submissions), "uncertain_deliveries": len(uncertain & set(by_id))}


def _distinct_events(stack, topic: str, since_ms: int, by_id: dict, types: set[str]) -> dict:
    """application id -> the distinct (event id, type) of `types` on `topic` for the audited applications."""
    found = collections.defaultdict(set)
    for message in read_to_end(stack.servers.kafka, topic, since_ms=since_ms,
                               keep=lambda m: m.key and m.key.decode() in by_id):
        event = decode(message.value)
        if event["event_type"] in types:
            found[event["key"]].add((event["event_id"], event["event_type"]))
    return found


def _assert_once_each(submission: Submission, messages: list[str], uncertain: bool) -> None:
    """Exactly one message per notification; a delivery the worker was killed in the middle of
    is marked 'uncertain' and never repeated, so it may have reached the applicant or not."""
    assert len(set(messages)) == len(messages), (submission, "a message was sent twice", messages)
    if uncertain:
        assert submission.messages - 1 <= len(messages) <= submission.messages, (submission, messages)
    else:
        assert len(messages) == submission.messages, (submission, messages)


def _uncertain(stack) -> set[str]:
    """Applications with a delivery the notification worker was killed in the middle of."""
    notifications = get_database(stack.servers.mongodb_uri, "notification")["notifications"]
    return {d["application_id"] for d in notifications.find({"status": "uncertain"}, {"application_id": 1})}


def _listings_of(stack, submission: Submission) -> list[dict]:
    """The directory's listings under the submission's full name, searched by its random surname. On a stack
    grown by benchmarks (hundreds of thousands of random names) another freelancer may share the surname,
    so a search hit is the applicant's only when the whole name matches."""
    response = httpx.get(stack.url("directory", "/api/v1/freelancers"), params={"q": submission.surname, "limit": 50},
                         timeout=10)
    assert response.status_code == 200, response.text
    return [item for item in response.json()["items"] if item["full_name"] == submission.full_name]
