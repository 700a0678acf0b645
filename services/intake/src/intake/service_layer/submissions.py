"""What applicants do: submit, amend, withdraw, upload documents.

Every change and the event it causes are written together in the application's document
(the outbox); nothing here talks to Kafka.
"""
import datetime as dt
import secrets
import base64

from intake.bootstrap import Intake
from intake.domain import application as lifecycle
from intake.domain import events
from intake.service_layer.cnic_index import require_current_recipe
from domainkit.people import cnic_index
from servicekit.crypto import new_token, token_hash, token_matches

PUBLIC_FIELDS = ("full_name", "city", "province", "skills", "platforms", "headline", "listed", "education",
                 "experience_years")
PRIVATE_FIELDS = ("cnic", "father_name", "date_of_birth", "gender", "email", "mobile", "address", "portfolio_url")


class DuplicateCnic(Exception):
    """An active application or registration already holds this CNIC."""


class NotFound(Exception):
    pass


class NotAllowed(Exception):
    """The application is no longer open to this change (decided, withdrawn, or changed meanwhile)."""


def new_application_id() -> str:
    """80 random bits in lower-case base32: unguessable, and easy to read out over the phone."""
    return base64.b32encode(secrets.token_bytes(10)).decode().lower()


def _split(data: dict) -> tuple[dict, dict]:
    public = {k: data[k] for k in PUBLIC_FIELDS}
    private = {k: data.get(k) for k in PRIVATE_FIELDS}
    if isinstance(private["date_of_birth"], dt.date):
        private["date_of_birth"] = private["date_of_birth"].isoformat()
    return public, private


def submit(intake: Intake, data: dict) -> tuple[str, str]:
    """Store a validated application with its ApplicationSubmitted event; returns (id, access token).
    Refused (CnicIndexRecipeOutdated) while stored CNIC claims are of an older recipe than `cnic_index` computes."""
    require_current_recipe(intake.applications)
    application_id, token = new_application_id(), new_token()
    public, private = _split(data)
    claim_index = cnic_index(intake.keys.cnic_index, private["cnic"])
    if not intake.applications.claim_cnic(claim_index, application_id, lifecycle.HOLDS_CNIC):
        raise DuplicateCnic()
    now = dt.datetime.now(dt.timezone.utc)
    event = events.application_event(events.APPLICATION_SUBMITTED, application_id, public,
                                     intake.keys.in_events.seal(private), data["language"])
    try:
        intake.applications.insert({
            "_id": application_id,
            "status": lifecycle.SUBMITTED,
            "submitted_at": now,
            "updated_at": now,
            "token_hash": token_hash(token),
            "cnic_index": claim_index,
            "language": data["language"],
            "public": public,
            "pii": intake.keys.at_rest.seal(private),
            "timeline": [lifecycle.timeline_entry(lifecycle.SUBMITTED, "Application received", now)],
            "decision": {},
            "documents": {},
        }, [event])
    except Exception:
        intake.applications.release_cnic(claim_index, application_id)
        raise
    return application_id, token


def authorise(intake: Intake, application_id: str, token: str | None) -> dict:
    """The application, if `token` is its access token; NotFound otherwise (never says which)."""
    doc = intake.applications.get(application_id)
    if doc is None or not token or not token_matches(token, doc["token_hash"]):
        raise NotFound()
    return doc


def current_data(intake: Intake, doc: dict) -> dict:
    return {**doc["public"], **intake.keys.at_rest.unseal(doc["pii"]), "language": doc["language"]}


def amend(intake: Intake, doc: dict, changes: dict) -> dict:
    """Apply validated changes to an open application and publish the whole amended application."""
    data = {**current_data(intake, doc), **changes}
    public, private = _split(data)
    now = dt.datetime.now(dt.timezone.utc)
    event = events.application_event(events.APPLICATION_AMENDED, doc["_id"], public,
                                     intake.keys.in_events.seal(private), data["language"])
    changed = intake.applications.update_if(
        doc["_id"], {"status": {"$in": list(lifecycle.OPEN)}, "revision": doc["revision"]},
        {"$set": {"public": public, "pii": intake.keys.at_rest.seal(private), "language": data["language"],
                  "status": lifecycle.SUBMITTED, "updated_at": now},
         "$push": {"timeline": lifecycle.timeline_entry(lifecycle.SUBMITTED, "Application amended", now)}},
        [event])
    if not changed:
        raise NotAllowed()
    return intake.applications.get(doc["_id"])


def withdraw(intake: Intake, doc: dict) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    changed = intake.applications.update_if(
        doc["_id"], {"status": {"$in": list(lifecycle.OPEN)}},
        {"$set": {"status": lifecycle.WITHDRAWN, "updated_at": now},
         "$push": {"timeline": lifecycle.timeline_entry(lifecycle.WITHDRAWN, "Withdrawn by the applicant", now)}},
        [events.withdrawn(doc["_id"])])
    if not changed:
        raise NotAllowed()
    intake.applications.release_cnic(doc["cnic_index"], doc["_id"])


def add_document(intake: Intake, doc: dict, kind: str, content_type: str, content: bytes) -> dict:
    if doc["status"] not in lifecycle.OPEN:
        raise NotAllowed()
    info = intake.documents.put(doc["_id"], kind, content_type, content)
    changed = intake.applications.update_if(
        doc["_id"], {"status": {"$in": list(lifecycle.OPEN)}},
        {"$set": {f"documents.{kind}": info, "updated_at": info["uploaded_at"]}},
        [events.document_uploaded(doc["_id"], kind, content_type, len(content))])
    if not changed:
        raise NotAllowed()
    return info
