"""Every query intake's adapters send is served by an index (adapters/indexes.py), as the server's own planner
says (tests/support/explain.py), on a database holding a few thousand realistic applications.

The filters are not written out here: each repository method runs against that database through a client
that records every command it sends, and each recorded filter (finds, updates, deletes, find-and-modify,
an aggregate's first $match) is explained as a find. A new repository method without a call here fails
`test_every_repository_method_is_exercised`; a new query without an index fails its explain."""
import datetime as dt
import itertools
import random

import pytest
from pymongo import MongoClient

from domainkit.people import cnic_index, email_index, mobile_index
from eventkit.indexes import ensure_indexes
from eventkit.outbox import PENDING_FILTER, new_document_fields
from intake.adapters.applications import ApplicationRepository
from intake.adapters.data_keys import DataKeyRepository
from intake.adapters.erasures import ErasureRepository
from intake.adapters.documents import DocumentStore
from intake.adapters.indexes import INDEXES
from intake.adapters.sign_in_challenges import SignInChallenges
from intake.domain import application as lifecycle
from intake.domain import events
from intake.service_layer.cnic_index import CURRENT_RECIPE
from servicekit.crypto import Sealer
from servicekit.rate_limit import COLLECTION as RATE_LIMITS, RateLimiter
from support.explain import FilterRecorder, assert_uses_index, public_methods

APPLICATIONS = 3000
KEY = bytes(range(32))
NOW = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
SEALER = Sealer(bytes(32))
_new_numbers = itertools.count(APPLICATIONS)  # each exercise submits an application of its own


def realistic_application(n: int) -> dict:
    cnic = f"35202{n:07d}{n % 10}"
    status = random.choice([*lifecycle.STATUSES, lifecycle.SUBMITTED, lifecycle.APPROVED])
    private = {"cnic": cnic, "father_name": "Imran Khan", "date_of_birth": "1995-04-12", "gender": "female",
               "email": f"applicant{n}@example.pk", "mobile": f"+92300{n:07d}", "address": "House 1, Model Town",
               "portfolio_url": None}
    public = {"full_name": f"Applicant {n}", "city": "Lahore", "province": "Punjab", "skills": ["python"],
              "platforms": [{"platform": "upwork", "profile_url": "https://www.upwork.com/freelancers/~01abc"}],
              "headline": "Python developer", "listed": True, "education": "bachelors", "experience_years": 5}
    application_id = f"app{n:06d}"
    event = events.application_event(events.APPLICATION_SUBMITTED, application_id, SEALER.seal(public),
                                     SEALER.seal(private), SEALER.seal({"email": private["email"]}),
                                     SEALER.seal({"full_name": public["full_name"]}), "en")
    doc = {"_id": application_id, "status": status, "submitted_at": NOW, "updated_at": NOW, "token_hash": "x" * 64,
           "cnic_index": cnic_index(KEY, cnic), "language": "en", "public": public, "pii": SEALER.seal(private),
           "timeline": [lifecycle.timeline_entry(lifecycle.SUBMITTED, "Application received", NOW)],
           "decision": {}, "documents": {}, **new_document_fields([event])}
    doc["contact_index"] = [email_index(KEY, private["email"]), mobile_index(KEY, private["mobile"])]
    if n % 7 == 0:
        del doc["contact_index"]  # stored before sign-in by code: the backfill's to index
    doc["outbox_pending"] = n % 50 == 0  # most were published long ago
    if status in lifecycle.HOLDS_CNIC:
        doc["cnic_claim"] = doc["cnic_index"]
    return doc


@pytest.fixture(scope="module")
def populated(servers):
    """A database of its own with the declared indexes and a few thousand applications, documents and counters."""
    name = f"test_plans_{random.randrange(1 << 30):x}"
    recorder = FilterRecorder()
    client = MongoClient(servers.mongodb_uri, tz_aware=True, event_listeners=[recorder])
    db = client[name]
    ensure_indexes(db, INDEXES)
    random.seed(12)  # the same data every run
    db["applications"].insert_many([realistic_application(n) for n in range(APPLICATIONS)])
    random.seed()  # and unpredictable again for every later test (their CNICs, names, emails)
    db["documents"].insert_many([{"_id": f"app{n:06d}:cnic_front", "application_id": f"app{n:06d}",
                                  "kind": "cnic_front", "content": b"x" * 512} for n in range(0, APPLICATIONS, 3)])
    db["rate_limits"].insert_many([{"_id": f"submit:10.0.{n // 250}.{n % 250}:1700000000", "count": 1,
                                    "expires_at": NOW + dt.timedelta(days=3650)} for n in range(APPLICATIONS)])
    db["sign_in_challenges"].insert_many([{"_id": f"c{n}", "address_index": email_index(KEY, f"x{n % 900}@example.pk"),
                                           "channel": "email", "code_hash": "h", "created_at": NOW, "attempts": 0,
                                           "expires_at": NOW, "purge_at": NOW + dt.timedelta(days=3650),
                                           "used_at": None} for n in range(APPLICATIONS)])
    db["meta"].insert_one({"_id": "cnic_index_recipe", "version": CURRENT_RECIPE})
    db["data_keys"].insert_many([{"_id": f"app{n:06d}", "wrapped_by": "w1" if n % 10 else "w0", "keys": {}}
                                 for n in range(APPLICATIONS)])
    recorder.queries.clear()
    yield db, recorder
    client.drop_database(name)
    client.close()


def exercise_every_method(db) -> set[str]:
    """Call each repository method (and the rate limiter) the way intake does; returns the names called."""
    applications = ApplicationRepository(db)
    documents = DocumentStore(db, lambda application_id: SEALER, SEALER)
    data_keys, erasures = DataKeyRepository(db), ErasureRepository(db)
    called = set()

    def call(obj, method, *args):
        called.add(f"{type(obj).__name__}.{method}")
        return getattr(obj, method)(*args)

    entry = lifecycle.timeline_entry(lifecycle.SUBMITTED, "Application amended", NOW)
    new = realistic_application(next(_new_numbers))
    new.pop("outbox"), new.pop("outbox_pending"), new.pop("revision"), new.pop("cnic_claim", None)
    new["status"] = lifecycle.SUBMITTED
    call(applications, "add", new, [])
    call(applications, "get", "app000007")
    call(applications, "get", "app000007", {"status": 1, "updated_at": 1})
    call(applications, "exists", "app000008")
    call(applications, "amend", new["_id"], 1, {"updated_at": NOW}, entry, {"event_id": "e1"})
    call(applications, "record_document", new["_id"], {"kind": "cnic_back", "uploaded_at": NOW}, {"event_id": "e2"})
    call(applications, "record_decision", new["_id"], "d1", [lifecycle.SUBMITTED], {"reasons": []},
         lifecycle.timeline_entry(lifecycle.REJECTED, "Rejected", NOW))
    call(applications, "record_decision", "app000012", "d2", list(lifecycle.STATUSES), {"reasons": []},
         lifecycle.timeline_entry(lifecycle.APPROVED, "Reinstated", NOW), True, True)  # a reinstatement reclaims
    call(applications, "request_renewal", "app000013", "approved", {"kind": "prc", "size": 3},
         lifecycle.timeline_entry(lifecycle.RENEWAL_REQUESTED, "Renewal requested", NOW), {"event_id": "e4"})
    call(applications, "request_withdrawal", "app000015", NOW,
         lifecycle.timeline_entry(lifecycle.AWAITING_PAYMENT, "Withdrawal asked for", NOW), {"event_id": "e5"})
    call(applications, "record_listing_preference", "app000016", False, NOW, {"event_id": "e8"})
    call(applications, "end_renewal_grace", "app000014", "g1",
         lifecycle.timeline_entry(lifecycle.EXPIRED, "The renewal period ended", NOW))
    call(applications, "withdraw", "app000011", NOW,
         lifecycle.timeline_entry(lifecycle.WITHDRAWN, "Withdrawn", NOW), {"event_id": "e3"})
    voucher = {"number": "7711000000000013", "amount": 1000, "due_date": "2026-12-15"}
    call(applications, "record_voucher_issued", "app000030", voucher)
    call(applications, "record_voucher_issued", "app000030", voucher)  # the second write: the voucher is kept
    call(applications, "settle_voucher", "app000030", voucher["number"], "paid")
    request = {"event_id": "r1", "message": "m", "documents": ["cnic_front"], "fields": [], "respond_by": None,
               "requested_at": NOW, "outstanding": ["cnic_front"], "answered_at": None}
    call(applications, "record_information_request", new["_id"], "r1", request, entry)
    call(applications, "record_requested_document", new["_id"], {"kind": "cnic_front", "uploaded_at": NOW}, "r1", [],
         entry, [{"event_id": "e7"}])
    call(applications, "record_look", "app000009", {"event_id": "l1", "role": "reviewer", "what": "case", "at": NOW},
         100)
    call(applications, "count")
    call(applications, "cnic_indexes_after", None, 500)
    call(applications, "cnic_indexes_after", "app001500", 500)
    doc = applications.get("app000020")
    call(applications, "rekey_cnic", "app000020", doc["cnic_index"], doc["cnic_index"])
    call(applications, "rekey_cnic", "app000021", "not-its-index", "new-index")
    call(applications, "cnic_index_recipe_version")
    call(applications, "stamp_cnic_index_recipe", CURRENT_RECIPE, "test")
    call(applications, "stamp_cnic_index_recipe_if_no_applications", CURRENT_RECIPE)
    call(applications, "drop_legacy_claims")
    contact = email_index(KEY, "applicant8@example.pk")
    call(applications, "latest_with_contact", contact)
    call(applications, "list_with_contact", contact, 50)
    call(applications, "get_with_contact", "app000008", contact)
    call(applications, "note_sign_in_code", "app000008", NOW, {"event_id": "e6"})
    call(applications, "without_contact_index_after", None, 500)
    call(applications, "count_without_contact_index")
    call(applications, "set_contact_index", "app000014", [contact])
    challenges = SignInChallenges(db)
    challenge = {"_id": f"c{next(_new_numbers)}", "address_index": contact, "channel": "email", "code_hash": "h",
                 "created_at": NOW, "expires_at": NOW + dt.timedelta(minutes=10),
                 "purge_at": NOW + dt.timedelta(days=3650)}
    call(challenges, "open", challenge)
    call(challenges, "count_opened_since", contact, NOW - dt.timedelta(hours=1))
    call(challenges, "take_attempt", challenge["_id"], NOW, 5)
    call(challenges, "mark_used", challenge["_id"], NOW)
    call(documents, "put", "app000003", "cnic_back", "image/png", b"png")
    call(documents, "get", "app000003", "cnic_back")
    call(documents, "delete_all_of", "app000006")
    call(data_keys, "add_unless_present", new["_id"], "w1", {"record": "sealed"}, NOW)
    call(data_keys, "get", new["_id"])
    call(data_keys, "wrapped_by_other_than", "w2", None, 500)
    call(data_keys, "wrapped_by_other_than", "w2", "app000100", 500)
    call(data_keys, "count_wrapped_by_other_than", "w2")
    call(data_keys, "rewrap", new["_id"], "w1", "w2", {"record": "rewrapped"})
    call(data_keys, "add_part", new["_id"], "payer", "w2", "sealed")
    call(data_keys, "destroy", new["_id"], NOW)
    withdrawn = applications.get("app000011")["status"]
    call(erasures, "start", "app000011", (withdrawn,), NOW)
    call(erasures, "finish", "app000011", {"cause": "applicant", "at": NOW, "completed_by": {}}, {"event_id": "e9"})
    call(erasures, "note_completion", "app000011", "verification", NOW)
    call(erasures, "ended_before", lifecycle.REJECTED, NOW + dt.timedelta(days=1), 500)
    limiter = RateLimiter(db[RATE_LIMITS], "submit", 30, 3600)
    call(limiter, "hit", "10.0.0.1")
    return called


def test_every_repository_method_is_exercised(populated):
    db, _ = populated
    called = exercise_every_method(db)
    assert public_methods(ApplicationRepository) | public_methods(DocumentStore) | public_methods(SignInChallenges) | \
        public_methods(DataKeyRepository) | public_methods(ErasureRepository) | {"RateLimiter.hit"} == called


def test_every_query_intake_sends_uses_an_index(populated):
    db, recorder = populated
    recorder.queries.clear()
    exercise_every_method(db)
    queries = list(recorder.queries)
    queries.append(("applications", PENDING_FILTER, None, 200))  # the outbox relay's query on intake's collection
    queries.append(("applications", {"cnic_claim": "some-index"}, None, None))  # the claim's uniqueness check
    # the contact backfill's count is a scan by design (an operator's one-off progress bar)
    queries = [q for q in queries if q[1] != {"contact_index": {"$exists": False}}]
    assert {collection for collection, *_ in queries} >= {"applications", "documents", "meta", "rate_limits"}
    for collection, filter_, sort, limit in queries:
        assert_uses_index(db[collection], filter_, sort=list(sort.items()) if sort else None, limit=limit)
