"""In-memory fakes of intake's repositories (the contracts in service_layer/dependencies.py), and the
dependencies built from them, for unit tests of the service layer. The fakes keep the rules the
database enforces for intake: one application at a time holds a CNIC (the claim's unique index),
writes conditioned on status and revision, a decision applied once per event."""
import copy
import datetime as dt

import pytest

from intake.domain import application as lifecycle
from intake.service_layer.dependencies import Dependencies, Keys
from intake.service_layer.data_keys import DataKeys
from servicekit.crypto import Sealer

INDEX_KEY = bytes(range(32))
NOW = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone.utc)


class FakeApplications:
    """ApplicationRepository in memory: `docs` by id (each with its `outbox` of events), `meta` the recipe stamp."""

    def __init__(self):
        self.docs, self.meta, self.legacy_claims_dropped = {}, {}, False

    def _holder(self, claim, other_than=None):
        return next((d for d in self.docs.values() if d.get("cnic_claim") == claim and d["_id"] != other_than), None)

    def get(self, application_id, projection=None):
        doc = copy.deepcopy(self.docs.get(application_id))
        if doc is None or projection is None:
            return doc
        return {k: v for k, v in doc.items() if k == "_id" or k in projection}

    def exists(self, application_id):
        return application_id in self.docs

    def add(self, application, events):
        if self._holder(application["cnic_index"]) is not None:
            raise lifecycle.DuplicateCnic()
        self.docs[application["_id"]] = {**copy.deepcopy(application), "cnic_claim": application["cnic_index"],
                                         "outbox": list(events), "revision": 1}

    def _open(self, application_id, **conditions):
        doc = self.docs.get(application_id)
        if doc is None or doc["status"] not in lifecycle.OPEN:
            return None
        return doc if all(doc.get(k) == v for k, v in conditions.items()) else None

    def amend(self, application_id, revision, changes, timeline_entry, event):
        doc = self._open(application_id, revision=revision)
        if doc is None:
            return None
        for field, value in copy.deepcopy(changes).items():  # $set: a dotted field sets inside a sub-document
            *parents, last = field.split(".")
            target = doc
            for parent in parents:
                target = target.setdefault(parent, {})
            target[last] = value
        doc["timeline"].append(timeline_entry)
        doc["outbox"].append(event)
        doc["revision"] += 1
        return copy.deepcopy(doc)

    def withdraw(self, application_id, at, timeline_entry, event):
        doc = self._open(application_id)
        if doc is None:
            return None
        doc.update(status=timeline_entry["status"], updated_at=at)
        doc.pop("cnic_claim", None)
        doc["timeline"].append(timeline_entry)
        doc["outbox"].append(event)
        doc["revision"] += 1
        return {"_id": application_id, "status": doc["status"], "updated_at": at}

    def request_withdrawal(self, application_id, at, timeline_entry, event):
        doc = self.docs.get(application_id)
        if doc is None or doc["status"] != lifecycle.AWAITING_PAYMENT or doc.get("withdrawal_requested_at"):
            return None
        doc.update(withdrawal_requested_at=at, updated_at=at)
        doc["timeline"].append(timeline_entry)
        doc["outbox"].append(event)
        return {"_id": application_id, "status": doc["status"], "updated_at": at}

    def record_document(self, application_id, info, event):
        doc = self._open(application_id)
        if doc is None:
            return False
        doc["documents"][info["kind"]] = info
        doc["updated_at"] = info["uploaded_at"]
        doc["outbox"].append(event)
        doc["revision"] += 1
        return True

    def record_requested_document(self, application_id, info, request_event_id, outstanding, timeline_entry, events):
        doc = self._open(application_id)
        request = (doc or {}).get("information_request") or {}
        if doc is None or request.get("event_id") != request_event_id or request.get("answered_at") is not None:
            return False
        doc["documents"][info["kind"]] = info
        doc["updated_at"] = info["uploaded_at"]
        request["outstanding"] = list(outstanding)
        if timeline_entry is not None:
            request["answered_at"] = timeline_entry["at"]
            doc["timeline"].append(timeline_entry)
        doc["outbox"].extend(events)
        doc["revision"] += 1
        return True

    def record_look(self, application_id, look, keep):
        doc = self.docs.get(application_id)
        if doc is None or look["event_id"] in [x["event_id"] for x in doc.get("looks", [])]:
            return False
        doc["looks"] = (doc.get("looks", []) + [copy.deepcopy(look)])[-keep:]
        return True

    def record_information_request(self, application_id, event_id, request, timeline_entry):
        doc = self._open(application_id)
        if doc is None or event_id in doc.setdefault("applied_events", []):
            return False
        doc["information_request"] = copy.deepcopy(request)
        doc["updated_at"] = timeline_entry["at"]
        doc["timeline"].append(timeline_entry)
        doc["applied_events"].append(event_id)
        return True

    def record_listing_preference(self, application_id, listed, at, event):
        doc = self.docs.get(application_id)
        if doc is None or doc["status"] not in lifecycle.IN_FORCE or doc["public"].get("listed") == listed:
            return None
        doc["public"]["listed"] = listed
        doc["listing_changed_at"] = at
        doc["outbox"].append(event)
        doc["revision"] = doc.get("revision", 1) + 1
        return copy.deepcopy(doc)

    def record_decision(self, application_id, event_id, allowed_from, decision, timeline_entry, holds_cnic=True,
                        reclaim=False):
        doc = self.docs.get(application_id)
        if doc is None or doc["status"] not in allowed_from or event_id in doc.setdefault("applied_events", []):
            return False
        doc.update(status=timeline_entry["status"], decision=decision, updated_at=timeline_entry["at"])
        if not holds_cnic:
            doc.pop("cnic_claim", None)
        elif reclaim and "cnic_claim" not in doc and self._holder(doc["cnic_index"], other_than=application_id) is None:
            doc["cnic_claim"] = doc["cnic_index"]
        doc["timeline"].append(timeline_entry)
        doc["applied_events"].append(event_id)
        return True

    def request_renewal(self, application_id, status, prc, timeline_entry, event):
        doc = self.docs.get(application_id)
        if doc is None or doc["status"] != status:
            return None
        doc.update(status=timeline_entry["status"], updated_at=timeline_entry["at"])
        doc.setdefault("documents", {})["prc"] = prc
        doc["timeline"].append(timeline_entry)
        doc["outbox"].append(event)
        return copy.deepcopy(doc)

    def end_renewal_grace(self, application_id, event_id, timeline_entry):
        doc = self.docs.get(application_id)
        if doc is None or doc["status"] != lifecycle.EXPIRED or event_id in doc.setdefault("applied_events", []):
            return False
        doc.pop("cnic_claim", None)
        doc["timeline"].append(timeline_entry)
        doc["applied_events"].append(event_id)
        return True

    def record_voucher_issued(self, application_id, voucher):
        doc = self.docs.get(application_id)
        if doc is None:
            return False
        kept = doc.get("voucher")
        if kept is None or kept["number"] != voucher["number"]:
            doc["voucher"] = {**voucher, "status": "unpaid"}
            return True
        before = dict(kept)
        kept.update(amount=voucher["amount"], due_date=voucher["due_date"])
        return kept != before

    def settle_voucher(self, application_id, number, status):
        doc = self.docs.get(application_id)
        if doc is None or (doc.get("voucher") is not None and doc["voucher"]["number"] != number):
            return False
        kept = doc.setdefault("voucher", {})
        before = dict(kept)
        kept.update(number=number, status=status)
        return kept != before

    def _with_contact(self, contact_index):
        return sorted((d for d in self.docs.values() if contact_index in d.get("contact_index", [])),
                      key=lambda d: d["submitted_at"], reverse=True)

    def latest_with_contact(self, contact_index):
        found = self._with_contact(contact_index)
        return copy.deepcopy(found[0]) if found else None

    def list_with_contact(self, contact_index, limit):
        return copy.deepcopy(self._with_contact(contact_index)[:limit])

    def get_with_contact(self, application_id, contact_index):
        doc = self.docs.get(application_id)
        return copy.deepcopy(doc) if doc and contact_index in doc.get("contact_index", []) else None

    def note_sign_in_code(self, application_id, at, event):
        doc = self.docs.get(application_id)
        if doc is None:
            return False
        doc["sign_in_code_sent_at"] = at
        doc["outbox"].append(event)
        return True

    def count_without_contact_index(self):
        return sum("contact_index" not in d for d in self.docs.values())

    def without_contact_index_after(self, after_id, limit):
        ids = sorted(i for i in self.docs if (after_id is None or i > after_id) and "contact_index" not in self.docs[i])
        return [{k: self.docs[i][k] for k in ("_id", "pii") if k in self.docs[i]} for i in ids[:limit]]

    def set_contact_index(self, application_id, contact_index):
        doc = self.docs.get(application_id)
        if doc is None or "contact_index" in doc:
            return False
        doc["contact_index"] = list(contact_index)
        return True

    def count(self):
        return len(self.docs)

    def cnic_indexes_after(self, after_id, limit):
        ids = sorted(i for i in self.docs if after_id is None or i > after_id)[:limit]
        return [{k: self.docs[i][k] for k in ("_id", "status", "cnic_index", "cnic_claim", "pii") if k in self.docs[i]}
                for i in ids]

    def rekey_cnic(self, application_id, old_index, new_index):
        doc = self.docs.get(application_id)
        if doc is None or doc.get("cnic_index") != old_index:
            return lifecycle.CHANGED_MEANWHILE
        if doc["status"] not in lifecycle.HOLDS_CNIC:
            doc["cnic_index"] = new_index
            doc.pop("cnic_claim", None)
            return lifecycle.INDEX_MOVED
        doc["cnic_index"] = new_index
        if self._holder(new_index, other_than=application_id) is not None:
            return lifecycle.CLAIM_CONFLICT
        doc["cnic_claim"] = new_index
        return lifecycle.CLAIM_MOVED

    def drop_legacy_claims(self):
        self.legacy_claims_dropped = True

    def cnic_index_recipe_version(self):
        return self.meta.get("version")

    def stamp_cnic_index_recipe(self, version, how):
        self.meta = {"version": version, "how": how}

    def stamp_cnic_index_recipe_if_no_applications(self, version):
        if self.docs:
            return False
        self.meta["version"] = max(self.meta.get("version", 0), version)
        return True


class FakeDocuments:
    def __init__(self):
        self.stored = {}

    def put(self, application_id, kind, content_type, content):
        info = {"kind": kind, "content_type": content_type, "size": len(content), "uploaded_at": NOW}
        self.stored[(application_id, kind)] = (info, content)
        return info

    def get(self, application_id, kind):
        return self.stored.get((application_id, kind))

    def delete_all_of(self, application_id):
        gone = [key for key in self.stored if key[0] == application_id]
        for key in gone:
            del self.stored[key]
        return len(gone)


class FakeErasures:
    """ErasureRepository over FakeApplications' documents."""

    PERSONAL_FIELDS = ("pii", "public", "cnic_index", "cnic_claim", "contact_index", "documents",
                       "information_request", "looks", "voucher", "renewal", "sign_in_code_sent_at")

    def __init__(self, applications):
        self.applications = applications

    def start(self, application_id, statuses, at):
        doc = self.applications.docs.get(application_id)
        if doc is None or doc["status"] not in statuses or doc.get("erasure"):
            return None
        doc.setdefault("erasure_started_at", at)
        return {"_id": application_id, "status": doc["status"], "erasure_started_at": doc["erasure_started_at"]}

    def finish(self, application_id, erasure, event):
        doc = self.applications.docs.get(application_id)
        if doc is None or doc.get("erasure") or not doc.get("erasure_started_at"):
            return None
        for field in self.PERSONAL_FIELDS:
            doc.pop(field, None)
        doc.update(erasure=copy.deepcopy(erasure), updated_at=erasure["at"], outbox=[event])
        return {"_id": application_id, "status": doc["status"], "erasure": doc["erasure"]}

    def note_completion(self, application_id, service, at):
        doc = self.applications.docs.get(application_id)
        if doc is None or not doc.get("erasure") or service in doc["erasure"]["completed_by"]:
            return False
        doc["erasure"]["completed_by"][service] = at
        return True

    def ended_before(self, status, cutoff, limit):
        found = sorted((d for d in self.applications.docs.values() if d["status"] == status
                        and d["updated_at"] < cutoff and not d.get("erasure")), key=lambda d: d["updated_at"])
        return [{"_id": d["_id"], "status": d["status"], "updated_at": d["updated_at"]} for d in found[:limit]]


class FakeSignInChallenges:
    """SignInChallenges in memory: `kept` by challenge id."""

    def __init__(self):
        self.kept = {}

    def open(self, challenge):
        self.kept[challenge["_id"]] = {**challenge, "attempts": 0, "used_at": None}

    def count_opened_since(self, address_index, since):
        return sum(1 for c in self.kept.values() if c["address_index"] == address_index and c["created_at"] >= since)

    def take_attempt(self, challenge_id, now, max_attempts):
        c = self.kept.get(challenge_id)
        if c is None or c["used_at"] is not None or c["expires_at"] <= now or c["attempts"] >= max_attempts:
            return None
        c["attempts"] += 1
        return dict(c)

    def mark_used(self, challenge_id, now):
        c = self.kept.get(challenge_id)
        if c is None or c["used_at"] is not None:
            return False
        c["used_at"] = now
        return True


class FakeDrafts:
    def __init__(self):
        self.kept = {}

    def keep(self, draft_id, answers, files, at):
        self.kept[draft_id] = (answers, dict(files), at)

    def find(self, draft_id, not_before):
        draft = self.kept.get(draft_id)
        return (draft[0], draft[1]) if draft and draft[2] >= not_before else None

    def discard(self, draft_id):
        self.kept.pop(draft_id, None)


@pytest.fixture
def deps():
    keys = Keys(at_rest=Sealer(bytes(32)), in_events=Sealer(bytes(reversed(range(32)))), cnic_index=INDEX_KEY,
                sign_in=b"s" * 32)
    data_keys = DataKeys(FakeDataKeyRepository(), {"w1": Sealer(b"w" * 32)}, legacy=keys.at_rest)
    applications = FakeApplications()
    return Dependencies(keys=keys, applications=applications, documents=FakeDocuments(), drafts=FakeDrafts(),
                        sign_in_challenges=FakeSignInChallenges(), clock=lambda: NOW, data_keys=data_keys,
                        erasures=FakeErasures(applications))


class FakeDataKeyRepository:
    """DataKeyRepository in memory: `docs` by application id."""

    def __init__(self):
        self.docs = {}

    def add_unless_present(self, application_id, wrapped_by, wrapped, now):
        if application_id in self.docs:
            return False
        self.docs[application_id] = {"_id": application_id, "wrapped_by": wrapped_by, "keys": dict(wrapped),
                                     "created_at": now}
        return True

    def get(self, application_id):
        return copy.deepcopy(self.docs.get(application_id))

    def destroy(self, application_id, at):
        doc = self.docs.get(application_id)
        if doc is not None and doc.get("destroyed_at"):
            return False
        self.docs[application_id] = {"_id": application_id, "destroyed_at": at}
        return True

    def add_part(self, application_id, part, wrapped_by, wrapped):
        doc = self.docs.get(application_id)
        if doc is None or doc.get("destroyed_at") or doc["wrapped_by"] != wrapped_by or part in doc["keys"]:
            return False
        doc["keys"][part] = wrapped
        return True

    def wrapped_by_other_than(self, wrapping_key_id, after, limit):
        docs = sorted((d for d in self.docs.values() if d.get("wrapped_by") not in (wrapping_key_id, None)
                       and (after is None or d["_id"] > after)), key=lambda d: d["_id"])
        return copy.deepcopy(docs[:limit])

    def count_wrapped_by_other_than(self, wrapping_key_id):
        return sum(d.get("wrapped_by") not in (wrapping_key_id, None) for d in self.docs.values())

    def rewrap(self, application_id, old_wrapping, new_wrapping, wrapped):
        doc = self.docs.get(application_id)
        if doc is None or doc["wrapped_by"] != old_wrapping:
            return False
        doc.update(wrapped_by=new_wrapping, keys=dict(wrapped))
        return True


def application_data(cnic="3520212345671", **overrides):
    """What ApplicationSchema gives the service layer for a valid application."""
    return {"full_name": "Ayesha Khan", "city": "Lahore", "province": "Punjab", "skills": ["python"],
            "platforms": [], "headline": "Developer", "listed": True, "education": "bachelors",
            "experience_years": 3, "cnic": cnic, "father_name": "Khan", "date_of_birth": dt.date(1990, 1, 1),
            "gender": "female", "email": "a@example.pk", "mobile": "+923001234567", "address": "Lahore",
            "portfolio_url": None, "language": "en", **overrides}


@pytest.fixture
def application():
    return application_data
