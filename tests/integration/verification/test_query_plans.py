"""Every query verification's repositories send is served by an index (issue 12: no full scans).

The filters are not copied here by hand: each repository method is called on a database holding a
few thousand realistic documents, a CommandListener records every find / findAndModify / update /
delete filter it sends, and each is explained as a find (the gateway cannot explain writes) with
tests/support/explain.assert_uses_index, which fails on a collection scan or an unbounded index scan.
"""
import datetime as dt
import random
import uuid

import pytest
from pymongo import MongoClient, monitoring

from eventkit import outbox
from eventkit.indexes import ensure_indexes
from support.explain import assert_pipeline_uses_index, assert_uses_index, constrains_id, full_scans, stages
from verification.adapters.cases import SEARCH_INDEX, CaseRepository, expiry_fields
from verification.adapters.indexes import INDEXES
from verification.adapters.numbers import RegistrationNumbers
from verification.adapters.reviewers import ReviewerRepository
from verification.domain.case import REVIEWED, Transition, audit_entry
from verification.domain.name_search import stored_tokens
from verification.domain.queue import QueueFilter
from verification.domain.registration import expiry_of
from verification.service_layer.views import PENDING_STATES

CASES, ACCOUNTS, TOKENS = 3000, 200, 2000
FIRST = ["Ayesha", "Bilal", "Zainab", "Usman", "Fatima", "Hamza", "Maryam", "Ali", "Sana", "Omar", "عائشہ"]
LAST = ["Khan", "Ahmed", "Qureshi", "Malik", "Butt", "Chaudhry", "Shah", "Raza", "خان"]
STATES = (["approved"] * 55 + ["awaiting_payment"] * 5 + ["rejected"] * 18 + ["in_review"] * 15 + ["checking"] * 3
          + ["withdrawn"] * 2 + ["lapsed"] + ["expired"] + ["awaiting_applicant"] * 2)
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
_UNRECORDED = {}  # database name -> the same database through a client without the recorder


class FilterRecorder(monitoring.CommandListener):
    """Collects (collection, filter, sort, hint) of each query-bearing command while `recording`."""

    def __init__(self):
        self.recording, self.queries = False, []

    def started(self, event):
        if not self.recording:
            return
        command, name = event.command, event.command_name
        if name == "find":
            self.queries.append((command["find"], command.get("filter", {}), command.get("sort"), command.get("hint")))
        elif name == "findAndModify":
            self.queries.append((command["findAndModify"], command.get("query", {}), command.get("sort"), None))
        elif name == "update":
            self.queries += [(command["update"], u["q"], None, u.get("hint")) for u in command["updates"]]
        elif name == "delete":
            self.queries += [(command["delete"], d["q"], None, d.get("hint")) for d in command["deletes"]]
        elif name == "aggregate":  # count_documents
            self.queries.append((command["aggregate"], {"pipeline": command["pipeline"]}, None, command.get("hint")))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def _case(i: int) -> dict:
    name = f"{random.choice(FIRST)} {random.choice(LAST)}"
    state = random.choice(STATES)
    at = T0 + dt.timedelta(seconds=i * 7)
    decision = None
    registration = {}
    if state in ("approved", "rejected", "expired"):
        decision = {"outcome": state, "by": "system", "at": at, "reasons": []}
        if state in ("approved", "expired"):
            decision["registration_number"] = f"PSEB-2026-{i:06d}-A"
            expiry = expiry_of(at, 365, (30, 7))  # issued 7 s apart from T0: reminders due from late 2026
            registration = expiry_fields(expiry.expires_at, expiry.reminders, expired=state == "expired")
    if state == "awaiting_applicant":  # asked for more information: reminded 11 days on, lapsed 14 days on
        request = {"message": "m", "documents": ["cnic_front"], "fields": [], "requested_by": "r", "requested_at": at,
                   "respond_by": at + dt.timedelta(days=14), "reminder_at": at + dt.timedelta(days=11),
                   "reminded_at": None, "answered_at": None}
        registration = {"information_request": request, "due_at": request["reminder_at"]}
    application_id = uuid.uuid4().hex[:16]
    return {"_id": application_id, "state": state, "version": 1,
            "public": {"full_name": name, "city": "Lahore", "province": "Punjab", "skills": ["python"],
                       "platforms": [], "headline": "Developer", "listed": True},
            "sealed": "v1:" + "x" * 400, "language": "en", "search_tokens": stored_tokens(application_id, name),
            "indexes": {f: uuid.uuid4().hex * 2 for f in ("cnic", "email", "mobile")},
            "updated_at": at, "received_at": at, "reasons": [], "decision": decision, "documents": {},
            "checks": [{"check": "shared_contact", "outcome": "flag", "reason": "r", "detail": ""}]
            * (state == "in_review"),
            **({"lease": {"reviewer": f"reviewer{i % 7}", "until": at}} if state == "in_review" and i % 3 == 0 else {}),
            "application_events": [{"event_id": f"e{i}"}], "applied_events": [f"e{i}"],
            "audit": [audit_entry("system", "application_received", "", at)],
            **outbox.new_document_fields([]), "outbox_pending": i % 50 == 0, **registration,
            **({"pending_action": {"kind": "revoke", "reason": "r", "requested_by": "admin1", "requested_at": at}}
               if state == "approved" and i % 97 == 0 else {})}


@pytest.fixture(scope="module")
def stocked(servers):
    """(database, recorder): verification's indexes and a few thousand cases, accounts and tokens."""
    recorder = FilterRecorder()
    client = MongoClient(servers.mongodb_uri, tz_aware=True, event_listeners=[recorder])
    db = client[f"test_plans_{uuid.uuid4().hex[:8]}"]
    plain = MongoClient(servers.mongodb_uri, tz_aware=True)
    _UNRECORDED[db.name] = plain[db.name]
    random.seed(12)  # the same data every run
    db["cases"].insert_many([_case(i) for i in range(CASES)])
    random.seed()  # and unpredictable again for every later test (their CNICs, names, emails)
    db["reviewers"].insert_many([{"_id": f"reviewer{i}", "password_hash": "h", "role": "reviewer", "active": True,
                                  "credentials_version": 0, "audit": []} for i in range(ACCOUNTS)])
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=12)
    db["reviewer_tokens"].insert_many([{"_id": uuid.uuid4().hex, "username": f"reviewer{i % ACCOUNTS}",
                                        "role": "reviewer", "expires_at": soon, "credentials_version": 0}
                                       for i in range(TOKENS)])
    ensure_indexes(db, INDEXES)
    yield db, recorder
    client.drop_database(db.name)
    client.close()
    plain.close()


def _some(db, state: str) -> dict:
    """A case in `state`, looked up through an unrecorded client (the test's own query, not a repository's)."""
    return _unrecorded(db)["cases"].find_one({"state": state})


def _unrecorded(db):
    return _UNRECORDED[db.name]


def _read_twice(repository, wanted, after):
    """A page read unbounded, then again with the bound the first read taught the repository."""
    first = repository.queue(wanted, 51, after)
    assert repository.queue(wanted, 51, after) == first
    return first


def _cursor_after(db, state: str):
    case = _some(db, state)
    return case["received_at"], case["_id"]


def _application(case: dict) -> dict:
    return {k: case[k] for k in ("public", "sealed", "language", "indexes")}


def _note() -> dict:
    return {"event_id": uuid.uuid4().hex, "event_type": "ApplicationAmended", "occurred_at": "2026-11-30T00:00:00Z"}


NOW = dt.datetime.now(dt.timezone.utc)


def _wanted(state: str = "pending", **narrowed) -> QueueFilter:
    return QueueFilter(tuple(PENDING_STATES[state]), NOW, **narrowed)


SOME_DUE = T0 + dt.timedelta(days=335, hours=3)  # the 30-day reminders of about half the registrations
# Each repository method, called the way the service calls it: (name, call(db)).
CALLS = [
    ("cases.get", lambda db: CaseRepository(db).get(_some(db, "approved")["_id"])),
    ("cases.reopen", lambda db: CaseRepository(db).reopen((c := _some(db, "in_review"))["_id"], _application(c),
                                                          _note(), NOW)),
    ("cases.note_ignored_amendment", lambda db: CaseRepository(db).note_ignored_amendment(
        _some(db, "approved")["_id"], _note(), NOW)),
    ("cases.withdraw", lambda db: CaseRepository(db).withdraw(_some(db, "in_review")["_id"], uuid.uuid4().hex, NOW)),
    ("cases.record_listing_preference", lambda db: CaseRepository(db).record_listing_preference(
        (c := _some(db, "approved"))["_id"], c["decision"]["registration_number"], False, uuid.uuid4().hex,
        audit_entry("applicant", "unlisted"), {"event_id": uuid.uuid4().hex, "key": "k",
                                               "event_type": "RegistrationUnlisted"})),
    ("cases.record_document", lambda db: CaseRepository(db).record_document(
        _some(db, "in_review")["_id"], {"kind": "cnic_front", "content_type": "image/png", "size": 5})),
    ("cases.transition", lambda db: CaseRepository(db).transition(Transition(
        _some(db, "checking"), "in_review", ["x"], audit_entry("system", "sent_to_review"),
        [{"event_id": uuid.uuid4().hex, "key": "k", "event_type": "ApplicationFlagged"}]))),
    ("cases.transition_many", lambda db: CaseRepository(db).transition_many([
        Transition(case, "in_review", ["x"], audit_entry("system", "sent_to_review"),
                   [{"event_id": uuid.uuid4().hex, "key": "k", "event_type": "ApplicationFlagged"}])
        for case in _unrecorded(db)["cases"].find({"state": "checking"}).limit(5)])),
    ("cases.record_view", lambda db: CaseRepository(db).record_view(_some(db, "in_review")["_id"],
                                                                    audit_entry("reviewer:r", "case_viewed"),
                                                                    {"event_id": uuid.uuid4().hex, "key": "k"})),
    ("cases.record_audit", lambda db: CaseRepository(db).record_audit(_some(db, "in_review")["_id"],
                                                                      audit_entry("reviewer:r", "document_viewed"),
                                                                      {"event_id": uuid.uuid4().hex, "key": "k"})),
    ("cases.sharing_identity", lambda db: CaseRepository(db).sharing_identity(
        (c := _some(db, "checking"))["_id"], c["indexes"])),
    ("cases.sharing_any", lambda db: CaseRepository(db).sharing_any(
        [c["indexes"] for c in _unrecorded(db)["cases"].find({"state": "approved"}).limit(50)])),
    ("cases.fill_missing_search_tokens", lambda db: CaseRepository(db).fill_missing_search_tokens()),
    *[(f"cases.queue {state}", lambda db, state=state: CaseRepository(db).queue(_wanted(state), 51))
      for state in PENDING_STATES],
    *[(f"cases.queue {state} after a cursor", lambda db, state=state: CaseRepository(db).queue(
        _wanted(state), 51, _cursor_after(db, PENDING_STATES[state][0]))) for state in PENDING_STATES],
    ("cases.queue q=part of a name", lambda db: CaseRepository(db).queue(_wanted(words="qur"), 51)),
    ("cases.queue q=two words", lambda db: CaseRepository(db).queue(_wanted("all", words="ayesha k"), 51)),
    ("cases.queue q=Urdu", lambda db: CaseRepository(db).queue(_wanted(words="خان"), 51)),
    ("cases.queue q=application id", lambda db: CaseRepository(db).queue(
        _wanted(words=_some(db, "in_review")["_id"]), 51)),
    ("cases.queue q and cursor", lambda db: CaseRepository(db).queue(
        _wanted(words="khan"), 51, _cursor_after(db, "in_review"))),
    ("cases.queue q=CNIC", lambda db: CaseRepository(db).queue(
        _wanted("all", cnic_index=_some(db, "approved")["indexes"]["cnic"]), 51)),
    ("cases.queue q=registration number", lambda db: CaseRepository(db).queue(
        _wanted("all", registration_number=_some(db, "approved")["decision"]["registration_number"]), 51)),
    ("cases.queue filtered", lambda db: CaseRepository(db).queue(
        _wanted(flag="shared_contact", province="Punjab", received_before=T0 + dt.timedelta(hours=3),
                assigned="unassigned"), 51)),
    ("cases.queue claimed by me", lambda db: CaseRepository(db).queue(_wanted(assigned="me", reviewer="r"), 51)),
    # the same pages again, bounded by what the first read learnt (adapters/queue_bounds.py)
    ("cases.queue bounded", lambda db: _read_twice(CaseRepository(db), _wanted(), None)),
    ("cases.queue bounded after a cursor", lambda db: _read_twice(CaseRepository(db), _wanted(),
                                                                  _cursor_after(db, "in_review"))),
    ("cases.count", lambda db: CaseRepository(db).count(_wanted(assigned="unassigned"))),
    ("cases.count_claimed", lambda db: CaseRepository(db).count_claimed(tuple(PENDING_STATES["pending"]), T0)),
    ("cases.count_claimed by me", lambda db: CaseRepository(db).count_claimed(tuple(PENDING_STATES["pending"]), T0,
                                                                              "reviewer3")),
    ("cases.same_identity", lambda db: CaseRepository(db).same_identity(_some(db, "approved")["indexes"]["cnic"], 50)),
    ("cases.count_awaiting_second_admin", lambda db: CaseRepository(db).count_awaiting_second_admin()),
    ("cases.claim", lambda db: CaseRepository(db).claim(
        _some(db, "in_review")["_id"], REVIEWED, {"reviewer": "r", "until": NOW}, NOW, audit_entry("reviewer:r", "x"))),
    ("cases.release", lambda db: CaseRepository(db).release(_some(db, "in_review")["_id"], "r",
                                                            audit_entry("reviewer:r", "x"))),
    ("cases.transition by a reviewer", lambda db: CaseRepository(db).transition(Transition(
        _some(db, "in_review"), "rejected", ["x"], audit_entry("reviewer:r", "rejected"),
        [{"event_id": uuid.uuid4().hex, "key": "k", "event_type": "ApplicationRejected"}], decided_by_reviewer="r"))),
    # the scheduler, at a time when some reminders of the stocked registrations are due
    ("cases.due_registrations", lambda db: CaseRepository(db).due_registrations(SOME_DUE, 200)),
    ("cases.record_reminder", lambda db: CaseRepository(db).record_reminder(
        CaseRepository(db).due_registrations(SOME_DUE, 1)[0], (), audit_entry("system", "expiry_reminder"),
        {"event_id": uuid.uuid4().hex, "key": "k", "event_type": "RegistrationExpiring"})),
    # the scheduler's requests for more information with their reminder or deadline due
    ("cases.due_information_requests", lambda db: CaseRepository(db).due_information_requests(SOME_DUE, 200)),
    ("cases.record_information_reminder", lambda db: CaseRepository(db).record_information_reminder(
        CaseRepository(db).due_information_requests(SOME_DUE, 1)[0], audit_entry("system", "information_reminder"),
        {"event_id": uuid.uuid4().hex, "key": "k", "event_type": "InformationReminder"})),
    ("cases.unscheduled_registrations", lambda db: CaseRepository(db).unscheduled_registrations(1000)),
    ("cases.schedule_expiry", lambda db: CaseRepository(db).schedule_expiry(
        _some(db, "approved"), SOME_DUE, ())),
    # two admins' revocation: the request, its confirmation (a transition on it), a cancellation, the list
    ("cases.record_action_request", lambda db: CaseRepository(db).record_action_request(
        _unrecorded(db)["cases"].find_one({"state": "approved", "pending_action": None}),
        {"kind": "revoke", "reason": "r", "requested_by": "a", "requested_at": NOW}, audit_entry("reviewer:a", "x"))),
    ("cases.transition confirming a request", lambda db: CaseRepository(db).transition(Transition(
        (c := _unrecorded(db)["cases"].find_one({"pending_action.kind": "revoke"})), "revoked", ["r"],
        audit_entry("reviewer:b", "revocation_confirmed"),
        [{"event_id": uuid.uuid4().hex, "key": "k", "event_type": "RegistrationRevoked"}],
        confirms=c["pending_action"]))),
    ("cases.cancel_action_request", lambda db: CaseRepository(db).cancel_action_request(
        _unrecorded(db)["cases"].find_one({"pending_action.kind": "revoke"})["_id"], "revoke",
        audit_entry("reviewer:a", "x"))),
    ("cases.awaiting_second_admin", lambda db: CaseRepository(db).awaiting_second_admin(100)),
    ("numbers.next", lambda db: RegistrationNumbers(db).next(2026)),
    ("numbers.next_block", lambda db: RegistrationNumbers(db).next_block(2026, 40)),
    ("reviewers.get", lambda db: ReviewerRepository(db).get("reviewer7")),
    ("reviewers.upgrade_password_hash", lambda db: ReviewerRepository(db).upgrade_password_hash("reviewer7", "h", "h")),
    ("reviewers.deactivate", lambda db: ReviewerRepository(db).deactivate("reviewer8", audit_entry("operator", "x"))),
    ("reviewers.reactivate", lambda db: ReviewerRepository(db).reactivate("reviewer8", audit_entry("operator", "x"))),
    ("reviewers.replace_password", lambda db: ReviewerRepository(db).replace_password(
        "reviewer9", "h2", audit_entry("operator", "x"))),
    ("reviewers.find_token", lambda db: ReviewerRepository(db).find_token(
        _unrecorded(db)["reviewer_tokens"].find_one()["_id"])),
    ("reviewers.revoke_tokens", lambda db: ReviewerRepository(db).revoke_tokens("reviewer10")),
]


@pytest.mark.parametrize("call", [call for _, call in CALLS], ids=[name for name, _ in CALLS])
def test_each_repository_query_uses_an_index(stocked, call):
    db, recorder = stocked
    recorder.queries.clear()
    recorder.recording = True
    try:
        call(db)
    finally:
        recorder.recording = False
    queries = [query for query in recorder.queries
               if query[0] in ("cases", "reviewers", "reviewer_tokens", "registration_counters")]
    assert queries, "the call sent no query"
    for collection, filter_, sort, hint in queries:
        if "pipeline" in filter_:
            assert_pipeline_uses_index(db[collection], filter_["pipeline"])
        else:
            assert_served(db[collection], filter_, sort, hint)


def assert_served(collection, filter_: dict, sort: dict | None = None, hint: str | None = None) -> None:
    """assert_uses_index, and for a hinted query the plan of the query as sent (with its hint)."""
    if hint is None:
        assert_uses_index(collection, filter_, sort=list(sort.items()) if sort else None)
        return
    command = {"find": collection.name, "filter": filter_, "hint": hint, **({"sort": sort} if sort else {})}
    plan = collection.database.command("explain", command, verbosity="queryPlanner")
    assert not full_scans(plan, constrains_id(filter_)), f"{collection.name} {filter_}: full scan in {plan}"
    assert hint in {s.get("indexName") for s in stages(plan) if s["stage"] == "IXSCAN"}, plan


def test_the_outbox_relays_query_uses_an_index(stocked):
    db, _ = stocked
    assert_uses_index(db["cases"], outbox.PENDING_FILTER, index=outbox.PENDING_INDEX)


# the cases waiting for their applicant are too few in the stock for every search to find one; their query is
# the same as the other lists'
@pytest.mark.parametrize("state", [s for s in PENDING_STATES if s != "awaiting_applicant"])
@pytest.mark.parametrize("q", ["qur", "ayesha k", "خان", "an application id"])
def test_a_search_is_served_by_the_search_tokens_index(stocked, state, q):
    """The queue's search, first page and next, goes through its tokens' index: the state index (which the
    planner preferred) would walk every case in the wanted states."""
    db, recorder = stocked
    if q == "an application id":
        q = _some(db, PENDING_STATES[state][0])["_id"]
    after = _cursor_after(db, PENDING_STATES[state][0])
    recorder.queries.clear()
    recorder.recording = True
    try:
        found = CaseRepository(db).queue(_wanted(state, words=q), 500, None)
        CaseRepository(db).queue(_wanted(state, words=q), 500, after)
    finally:
        recorder.recording = False
    assert [hint for *_, hint in recorder.queries] == [SEARCH_INDEX, SEARCH_INDEX]
    for collection, filter_, sort, hint in recorder.queries:
        assert_served(db[collection], filter_, sort, hint)
    first = q.split()[0].casefold()
    assert found and all(c["_id"] == q or any(w.casefold().startswith(first) for w in c["public"]["full_name"].split())
                         for c in found)


def test_a_bounded_page_is_the_page_read_unbounded_while_cases_come_and_go(stocked):
    """The queue's bounds (adapters/queue_bounds.py) may only make a page faster: paging the pending list with a
    repository that learnt them gives what a fresh one gives, also after cases were decided meanwhile."""
    db, _ = stocked
    learnt, decided = CaseRepository(_unrecorded(db)), []

    def pages(repository):
        found, after = [], None
        while page := repository.queue(_wanted(), 20, after):
            found += [c["_id"] for c in page]
            after = (page[-1]["received_at"], page[-1]["_id"])
        return found

    try:
        assert pages(learnt) == pages(CaseRepository(_unrecorded(db)))
        head = [c["_id"] for c in learnt.queue(_wanted(), 20)]
        for case_id in head[:15]:  # most of the first page decided: the learnt bound now holds too few cases
            _unrecorded(db)["cases"].update_one({"_id": case_id}, {"$set": {"state": "rejected"}})
            decided.append(case_id)
        assert learnt.queue(_wanted(), 20) == CaseRepository(_unrecorded(db)).queue(_wanted(), 20)
        assert pages(learnt) == pages(CaseRepository(_unrecorded(db)))
    finally:
        _unrecorded(db)["cases"].update_many({"_id": {"$in": decided}}, {"$set": {"state": "in_review"}})
