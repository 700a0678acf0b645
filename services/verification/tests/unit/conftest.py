"""In-memory fakes of verification's repositories (the contracts in service_layer/dependencies.py), and
events as intake publishes them, for unit tests of the service layer. No servers."""
import copy
import dataclasses
import datetime as dt
import os
import random
import uuid

import pytest

from eventkit.envelope import new_event
from servicekit.crypto import Sealer
from verification.adapters.cases import ERASED_FIELDS, ERASED_PUBLIC
from verification.domain import case as states
from verification.domain.case import SYSTEM, audit_entry
from verification.domain.information import next_due
from verification.domain.name_search import query_tokens, stored_tokens
from verification.service_layer.dependencies import Dependencies

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)


class FakeCaseRepository:
    """CaseRepository's contract, in memory: every write conditional as the real one's."""

    def __init__(self):
        self.cases: dict[str, dict] = {}

    def get(self, application_id):
        return copy.deepcopy(self.cases.get(application_id))

    def open(self, application_id, application, event_note, at):
        if application_id in self.cases:
            return None
        self.cases[application_id] = {
            "_id": application_id, "state": states.CHECKING, "version": 1, **self._stored(application_id, application, at),
            "received_at": at, "checks": [], "reasons": [], "decision": None, "documents": {},
            "application_events": [event_note], "applied_events": [event_note["event_id"]],
            "audit": [audit_entry(SYSTEM, "application_received", event_note["event_type"], at)], "outbox": []}
        return self.get(application_id)

    def open_many(self, applications, at):
        opened = {}
        for application_id, application, note in applications:
            case = self.open(application_id, application, note, at)
            if case is not None:
                opened[application_id] = case
        return opened

    def reopen(self, application_id, application, event_note, at):
        case = self.cases.get(application_id)
        if case is None or case["state"] not in states.OPEN or event_note["event_id"] in case["applied_events"]:
            return None
        case.update(self._stored(application_id, application, at), state=states.CHECKING, version=case["version"] + 1)
        case["application_events"].append(event_note)
        case["applied_events"].append(event_note["event_id"])
        case["audit"].append(audit_entry(SYSTEM, "application_amended", "", at))
        return self.get(application_id)

    def note_ignored_amendment(self, application_id, event_note, at):
        case = self.cases.get(application_id)
        if case is None or event_note["event_id"] in case["applied_events"]:
            return False
        case["application_events"].append(event_note)
        case["applied_events"].append(event_note["event_id"])
        case["audit"].append(audit_entry(SYSTEM, "amendment_ignored", "", at))
        return True

    def withdraw(self, application_id, event_id, at):
        case = self.cases.get(application_id)
        if case is None or case["state"] not in states.OPEN or event_id in case["applied_events"]:
            return False
        case.update(state=states.WITHDRAWN, updated_at=at)
        case["applied_events"].append(event_id)
        case["audit"].append(audit_entry("applicant", "withdrawn", "", at))
        return True

    def record_listing_preference(self, application_id, registration_number, listed, event_id, audit, event):
        case = self.cases.get(application_id)
        if case is None or (case.get("decision") or {}).get("registration_number") != registration_number \
                or event_id in case["applied_events"]:
            return False
        case["public"]["listed"] = listed
        case["applied_events"].append(event_id)
        case["audit"].append(audit)
        case["outbox"].append(copy.deepcopy(event))
        return True

    def erase(self, application_id, event_id, at, event):
        case = self.cases.get(application_id)
        if case is None or case.get("erased_at") or event_id in case["applied_events"]:
            return False
        for field in ERASED_FIELDS:
            case.pop(field, None)
        case.update(erased_at=at, public=copy.deepcopy(ERASED_PUBLIC), updated_at=at)
        case["applied_events"].append(event_id)
        case["audit"].append(audit_entry("system", "erased", "", at))
        case["outbox"] = [copy.deepcopy(event)]  # the fake's outbox holds published events only
        return True

    def record_document(self, application_id, document):
        case = self.cases.get(application_id)
        if case is None:
            return False
        case["documents"][document["kind"]] = document
        return True

    def transition(self, change):
        stored = self.cases.get(change.case["_id"])
        if stored is None or (stored["state"], stored["version"]) != (change.case["state"], change.case["version"]):
            return False
        if change.decided_by_reviewer is not None and not _free_for(stored, change.decided_by_reviewer,
                                                                     change.audit["at"]):
            return False
        if change.confirms is not None:
            if stored.get("pending_action") != change.confirms:
                return False
            stored.pop("pending_action")
        if change.decided_by_reviewer is not None:
            stored.pop("lease", None)
            stored.pop("pending_action", None)
        stored.update(state=change.to_state, reasons=change.reasons, updated_at=change.audit["at"])
        if change.checks is not None:
            stored["checks"] = change.checks
        if change.decision is not None:
            stored["decision"] = change.decision
        if change.expiry is not None:
            stored.update(self._expiry_fields(change.expiry.expires_at, change.expiry.reminders,
                                              change.to_state == states.EXPIRED, change.expiry.grace_ends_at))
        if change.renewal is not None:
            stored["renewal"] = copy.deepcopy(change.renewal)
        if change.information_request is not None:
            request = stored["information_request"] = copy.deepcopy(change.information_request)
            stored["due_at"] = None if request.get("answered_at") or request.get("lapsed_at") else next_due(request)
        stored["audit"].append(change.audit)
        stored["outbox"].extend(copy.deepcopy(change.events))
        return True

    @staticmethod
    def _expiry_fields(expires_at, reminders, expired=False, grace_ends_at=None):
        return {"expires_at": expires_at, "reminders": [{"days_before": r.days_before, "at": r.at} for r in reminders],
                "due_at": grace_ends_at if expired else (reminders[0].at if reminders else expires_at)}

    def due_information_requests(self, now, limit):
        due = sorted((c for c in self.cases.values() if c["state"] == states.AWAITING_APPLICANT
                      and c.get("due_at") is not None and c["due_at"] <= now), key=lambda c: c["due_at"])
        return copy.deepcopy(due[:limit])

    def record_information_reminder(self, case, audit, event):
        stored = self.cases.get(case["_id"])
        if stored is None or (stored["state"], stored.get("due_at")) != (case["state"], case["due_at"]):
            return False
        stored["information_request"]["reminded_at"] = audit["at"]
        stored.update(due_at=next_due(stored["information_request"]), updated_at=audit["at"])
        stored["audit"].append(audit)
        stored["outbox"].append(copy.deepcopy(event))
        return True

    def due_registrations(self, now, limit):
        due = sorted((c for c in self.cases.values() if c["state"] in states.SCHEDULED
                      and c.get("due_at") is not None and c["due_at"] <= now), key=lambda c: c["due_at"])
        return copy.deepcopy(due[:limit])

    def unscheduled_registrations(self, limit):
        return copy.deepcopy([c for c in self.cases.values() if c["state"] in states.LIVE_REGISTRATION
                              and c.get("due_at") is None][:limit])

    def schedule_expiry(self, case, expires_at, reminders):
        stored = self.cases.get(case["_id"])
        if stored is None or stored["state"] != case["state"] or stored.get("due_at") is not None:
            return False
        stored.update(self._expiry_fields(expires_at, reminders))
        return True

    def record_reminder(self, case, remaining, audit, event):
        stored = self.cases.get(case["_id"])
        if stored is None or (stored["state"], stored.get("due_at")) != (case["state"], case["due_at"]):
            return False
        stored.update(self._expiry_fields(case["expires_at"], remaining), updated_at=audit["at"])
        stored["audit"].append(audit)
        stored["outbox"].append(copy.deepcopy(event))
        return True

    def record_grace_end(self, case, audit, event):
        stored = self.cases.get(case["_id"])
        if stored is None or (stored["state"], stored.get("due_at")) != (case["state"], case["due_at"]):
            return False
        stored.update(due_at=None, updated_at=audit["at"])
        stored["audit"].append(audit)
        stored["outbox"].append(copy.deepcopy(event))
        return True

    def record_action_request(self, case, pending, audit):
        stored = self.cases.get(case["_id"])
        if stored is None or stored["state"] != case["state"] or stored.get("pending_action"):
            return False
        stored["pending_action"] = copy.deepcopy(pending)
        stored.pop("lease", None)
        stored["audit"].append(audit)
        return True

    def cancel_action_request(self, application_id, kind, audit):
        stored = self.cases.get(application_id)
        if stored is None or (stored.get("pending_action") or {}).get("kind") != kind:
            return False
        stored.pop("pending_action")
        stored["audit"].append(audit)
        return True

    def awaiting_second_admin(self, limit):
        waiting = sorted((c for c in self.cases.values() if c.get("pending_action")),
                         key=lambda c: c["pending_action"]["requested_at"])
        return copy.deepcopy(waiting[:limit])

    def transition_many(self, changes):
        return sum(self.transition(change) for change in changes)

    def record_view(self, application_id, audit, event):
        if application_id not in self.cases:
            return None
        self.cases[application_id]["audit"].append(audit)
        self.cases[application_id]["outbox"].append(copy.deepcopy(event))
        return self.get(application_id)

    def record_audit(self, application_id, audit, event):
        if application_id in self.cases:
            self.cases[application_id]["audit"].append(audit)
            self.cases[application_id]["outbox"].append(copy.deepcopy(event))

    def sharing_identity(self, application_id, indexes):
        return [c for c in self.sharing_any([indexes]) if c["_id"] != application_id]

    def sharing_any(self, indexes):
        return [{"_id": c["_id"], "indexes": dict(c["indexes"]), "state": c["state"]} for c in self.cases.values()
                if any(c["indexes"][f] == wanted[f] for wanted in indexes for f in wanted)]

    def queue(self, wanted, limit, after=None):
        found = sorted((c for c in self.cases.values() if _matches(c, wanted)),
                       key=lambda c: (c["received_at"], c["_id"]))
        if after is not None:
            found = [c for c in found if (c["received_at"], c["_id"]) > after]
        return copy.deepcopy(found[:limit])

    def count(self, wanted):
        return sum(_matches(c, wanted) for c in self.cases.values())

    def count_claimed(self, states, now, reviewer=None):
        return sum(1 for c in self.cases.values() if c["state"] in states and c.get("lease")
                   and c["lease"]["until"] > now and reviewer in (None, c["lease"]["reviewer"]))

    def claim(self, application_id, reviewable, lease, now, audit):
        stored = self.cases.get(application_id)
        if stored is None or stored["state"] not in reviewable or not _free_for(stored, lease["reviewer"], now):
            return False
        stored["lease"] = dict(lease)
        stored["audit"].append(audit)
        return True

    def release(self, application_id, reviewer, audit):
        stored = self.cases.get(application_id)
        if stored is None or (stored.get("lease") or {}).get("reviewer") != reviewer:
            return False
        stored.pop("lease")
        stored["audit"].append(audit)
        return True

    def same_identity(self, cnic_index, limit):
        found = sorted((c for c in self.cases.values() if c["indexes"]["cnic"] == cnic_index),
                       key=lambda c: (c["received_at"], c["_id"]))
        return copy.deepcopy(found[:limit])

    def count_awaiting_second_admin(self):
        return sum(1 for c in self.cases.values() if c.get("pending_action"))

    @staticmethod
    def _stored(application_id, application, at):
        return {**copy.deepcopy(application), "updated_at": at,
                "search_tokens": stored_tokens(application_id, application["public"]["full_name"])}

    def events(self, application_id):
        return [e["event_type"] for e in self.cases[application_id]["outbox"]]


def _free_for(case, reviewer, now):
    lease = case.get("lease")
    return not lease or lease["until"] <= now or lease["reviewer"] == reviewer


def _matches(case, wanted):
    """Whether `case` is among the cases of the QueueFilter `wanted` (adapters.cases.queue_filter's meaning)."""
    lease = case.get("lease") if case.get("lease") and case["lease"]["until"] > wanted.now else None
    words = query_tokens(wanted.words) if wanted.words else []
    return all([
        case["state"] in wanted.states,
        not wanted.cnic_index or case["indexes"]["cnic"] == wanted.cnic_index,
        not wanted.registration_number
        or (case.get("decision") or {}).get("registration_number") == wanted.registration_number,
        not wanted.words or (set(words) <= set(case["search_tokens"]) if words else case["_id"] == wanted.words),
        not wanted.flag or any(c["check"] == wanted.flag and c["outcome"] == "flag" for c in case.get("checks", [])),
        not wanted.province or case["public"]["province"] == wanted.province,
        wanted.received_before is None or case["received_at"] <= wanted.received_before,
        wanted.assigned != "me" or (lease is not None and lease["reviewer"] == wanted.reviewer),
        wanted.assigned != "unassigned" or lease is None,
    ])


class FakeNumbers:
    def __init__(self):
        self.last: dict[int, int] = {}

    def next(self, year):
        return self.next_block(year, 1)

    def next_block(self, year, count):
        self.last[year] = self.last.get(year, 0) + count
        return self.last[year] - count + 1


class FakeDocuments:
    def __init__(self):
        self.fetched = []

    def fetch(self, application_id, kind):
        self.fetched.append((application_id, kind))
        return "image/png", iter([b"\x89P", b"NG"])


class Clock:
    """A clock the test moves: each reading is a millisecond after the last (distinct, ordered times)."""

    def __init__(self, start=NOW):
        self.at = start

    def __call__(self):
        self.at += dt.timedelta(milliseconds=1)
        return self.at


@pytest.fixture
def deps():
    return Dependencies(cases=FakeCaseRepository(), numbers=FakeNumbers(), reviewers=None, documents=FakeDocuments(),
                        events_sealer=Sealer(os.urandom(32)), index_key=os.urandom(32),
                        disposable_domains=frozenset({"mailinator.com"}), clock=Clock())


def random_cnic() -> str:
    """A CNIC issued in Punjab (first digit 3) to a woman (even last digit)."""
    return "3" + "".join(random.choices("0123456789", k=11)) + random.choice("2468")


@pytest.fixture
def application_event(deps):
    """application_event(event_type="ApplicationSubmitted", application_id=None, **fields) -> an envelope as
    intake publishes it, personal data sealed with the test's key; by default a clean, approvable application."""
    def make(event_type="ApplicationSubmitted", application_id=None, **fields):
        data = {"full_name": "Ayesha Khan", "cnic": random_cnic(), "date_of_birth": "1995-04-12", "gender": "female",
                "email": f"ayesha.{uuid.uuid4().hex[:8]}@example.pk",
                "mobile": f"+92300{random.randint(0, 9999999):07d}", "province": "Punjab", "city": "Lahore",
                "platforms": [{"platform": "upwork", "profile_url": "https://www.upwork.com/freelancers/~01abc"}],
                **fields}
        application_id = application_id or uuid.uuid4().hex[:16]
        public = {"full_name": data["full_name"], "city": data["city"], "province": data["province"],
                  "skills": ["python"], "platforms": data["platforms"], "headline": "Developer", "listed": True}
        private = {k: data[k] for k in ("cnic", "date_of_birth", "gender", "email", "mobile")}
        payload = {"application_id": application_id, "public": public,
                   "sealed": deps.events_sealer.seal(private), "language": "en"}
        return new_event(event_type, application_id, payload, source="intake")
    return make


@pytest.fixture
def flagged(deps, application_event):
    """flagged(**fields) -> the id of a case waiting for a reviewer (its email shared with another CNIC)."""
    from verification.service_layer.handlers import handle_application_event

    handle_application_event(deps, application_event(email="shared@example.pk"))

    def make(**fields):
        envelope = application_event(email="shared@example.pk", **fields)
        handle_application_event(deps, envelope)
        assert deps.cases.get(envelope["key"])["state"] == "in_review"
        return envelope["key"]
    return make


@pytest.fixture
def twin(deps):
    """twin() -> Dependencies with the same keys and settings as `deps`, and repositories and clock of their own
    (to compare two ways of handling the same events)."""
    return lambda: dataclasses.replace(deps, cases=FakeCaseRepository(), numbers=FakeNumbers(), clock=Clock())


@pytest.fixture
def registered(deps, application_event):
    """registered() -> the id of a clean case whose registration fee was paid: registered now, valid 365 days."""
    from verification.service_layer.handlers import handle_application_event

    def make():
        envelope = application_event()
        handle_application_event(deps, envelope)
        handle_application_event(deps, new_event("FeePaid", envelope["key"], {
            "application_id": envelope["key"], "voucher_number": "7711000000000013", "transaction_id": "T",
            "fee_cycle": "registration"}, source="payments"))
        assert deps.cases.get(envelope["key"])["state"] == states.APPROVED
        return envelope["key"]
    return make
