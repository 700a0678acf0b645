"""What applicants do: submit, amend, withdraw, upload documents.

Every change and the event it causes are written together in the application's document
(the outbox); nothing here talks to Kafka. A submission is one write: the application, its
CNIC claim and its ApplicationSubmitted event (adapters/applications.py says how).
"""
import base64
import dataclasses
import datetime as dt
import secrets

from domainkit.people import cnic_index
from intake.domain import application as lifecycle
from intake.domain import events, information
from intake.domain.data_keys import CONTACT, IDENTITY, PAYER, RECORD
from intake.domain.application import DuplicateCnic  # noqa: F401 - callers catch it as submissions.DuplicateCnic
from intake.domain.sign_in import contact_indexes
from intake.service_layer.cnic_index import require_current_recipe
from intake.service_layer.dependencies import Dependencies
from servicekit.crypto import new_token, token_hash, token_matches

PUBLIC_FIELDS = ("full_name", "city", "province", "skills", "platforms", "headline", "listed", "education",
                 "experience_years")
PRIVATE_FIELDS = ("cnic", "father_name", "date_of_birth", "gender", "email", "mobile", "address", "portfolio_url")


class NotFound(Exception):
    pass


class NotAllowed(Exception):
    """The application is no longer open to this change (decided, withdrawn, or changed meanwhile)."""


@dataclasses.dataclass(frozen=True)
class Submitted:
    application_id: str
    access_token: str  # shown to the applicant once; only its hash is stored
    application: dict  # as stored (without its outbox)


def new_application_id() -> str:
    """80 random bits in lower-case base32: unguessable, and easy to read out over the phone."""
    return base64.b32encode(secrets.token_bytes(10)).decode().lower()


def _split(data: dict) -> tuple[dict, dict]:
    public = {k: data[k] for k in PUBLIC_FIELDS}
    private = {k: data.get(k) for k in PRIVATE_FIELDS}
    if isinstance(private["date_of_birth"], dt.date):
        private["date_of_birth"] = private["date_of_birth"].isoformat()
    return public, private


def sealed_parts(deps: Dependencies, application_id: str, private: dict, public: dict) -> tuple[str, str, str, str]:
    """An application event's sealed parts, under the application's own keys: the public profile and the whole
    personal bundle (identity key, for verification), the contact details alone (contact key, notification) and
    the name a fee voucher is made out to (payer key, payments; verification passes it on unopened)."""
    identity = deps.sealer(application_id, IDENTITY)
    contact = {"full_name": public["full_name"], "email": private["email"], "mobile": private["mobile"]}
    return (identity.seal(public), identity.seal(private), deps.sealer(application_id, CONTACT).seal(contact),
            deps.sealer(application_id, PAYER).seal({"full_name": public["full_name"]}))


def submit(deps: Dependencies, data: dict) -> Submitted:
    """Store a validated application with its claim on the CNIC and its ApplicationSubmitted event.
    DuplicateCnic (nothing stored) when an application that holds the CNIC exists; refused
    (CnicIndexRecipeOutdated) while stored CNIC claims are not made as this version makes them."""
    require_current_recipe(deps.applications)
    application_id, token = new_application_id(), new_token()
    public, private = _split(data)
    now = deps.now()
    application = {
        "_id": application_id,
        "status": lifecycle.SUBMITTED,
        "submitted_at": now,
        "updated_at": now,
        "token_hash": token_hash(token),
        "cnic_index": cnic_index(deps.keys.cnic_index, private["cnic"]),
        "contact_index": contact_indexes(deps.keys.cnic_index, private["email"], private["mobile"]),
        "language": data["language"],
        "public": public,
        "pii": deps.sealer(application_id, RECORD).seal(private),
        "timeline": [lifecycle.timeline_entry(lifecycle.SUBMITTED, "Application received", now)],
        "decision": {},
        "documents": {},
    }
    event = events.application_event(events.APPLICATION_SUBMITTED, application_id,
                                     *sealed_parts(deps, application_id, private, public), data["language"])
    deps.applications.add(application, [event])
    return Submitted(application_id, token, application)


def authorise(deps: Dependencies, application_id: str, token: str | None) -> dict:
    """The application, if `token` is its access token; NotFound otherwise (never says which)."""
    doc = deps.applications.get(application_id)
    if doc is None or not token or not token_matches(token, doc["token_hash"]):
        raise NotFound()
    return doc


def current_data(deps: Dependencies, doc: dict) -> dict:
    return {**doc["public"], **deps.unseal_record(doc["pii"]), "language": doc["language"]}


def amend(deps: Dependencies, doc: dict, changes: dict) -> dict:
    """Apply validated changes to an open application and publish the whole amended application;
    returns the application as it is now. NotAllowed if it is closed or changed since `doc` was read."""
    data = {**current_data(deps, doc), **changes}
    public, private = _split(data)
    now = deps.now()
    answered = {"information_request.answered_at": now} if information.is_waiting(doc.get("information_request")) \
        else {}  # the amendment answers a reviewer's request: it goes back through the checks
    event = events.application_event(events.APPLICATION_AMENDED, doc["_id"],
                                     *sealed_parts(deps, doc["_id"], private, public), data["language"])
    amended = deps.applications.amend(
        doc["_id"], doc["revision"],
        {"public": public, "pii": deps.sealer(doc["_id"], RECORD).seal(private), "language": data["language"],
         "contact_index": contact_indexes(deps.keys.cnic_index, private["email"], private["mobile"]),
         "status": lifecycle.SUBMITTED, "updated_at": now, **answered},
        lifecycle.timeline_entry(lifecycle.SUBMITTED, "Application amended", now), event)
    if amended is None:
        raise NotAllowed()
    return amended


def withdraw(deps: Dependencies, doc: dict) -> dict:
    """Withdraw an open application (its CNIC is free to apply again); returns its status and time now.
    An application whose fee is due is withdrawn only once payments cancels its voucher (request_withdrawal)."""
    now = deps.now()
    if doc["status"] == lifecycle.AWAITING_PAYMENT:
        return request_withdrawal(deps, doc, now)
    withdrawn = deps.applications.withdraw(
        doc["_id"], now, lifecycle.timeline_entry(lifecycle.WITHDRAWN, "Withdrawn by the applicant", now),
        events.withdrawn(doc["_id"]))
    if withdrawn is None:
        raise NotAllowed()
    return withdrawn


def request_withdrawal(deps: Dependencies, doc: dict, now) -> dict:
    """Ask to withdraw an application approved in principle: ApplicationWithdrawn goes to payments, which
    decides between it and a bank's payment racing it. It cancels the unpaid voucher (VoucherCancelled:
    the application is withdrawn then, service_layer/vouchers.py), or the payment came first and the
    registration is issued. The status stays `awaiting_payment` until then; asking twice changes nothing."""
    asked = deps.applications.request_withdrawal(
        doc["_id"], now, lifecycle.timeline_entry(lifecycle.AWAITING_PAYMENT, lifecycle.WITHDRAWAL_ASKED, now),
        events.withdrawn(doc["_id"]))
    if asked is None:
        raise NotAllowed()
    return asked


def add_document(deps: Dependencies, doc: dict, kind: str, content_type: str, content: bytes) -> dict:
    """Store an uploaded document of an open application and publish DocumentUploaded; when it is the last of
    the documents a reviewer's waiting request asked for, InformationProvided too (domain/information.py)."""
    if doc["status"] not in lifecycle.OPEN:
        raise NotAllowed()
    info = deps.documents.put(doc["_id"], kind, content_type, content)
    uploaded = events.document_uploaded(doc["_id"], kind, content_type, len(content))
    request = doc.get("information_request")
    answer = information.after_upload(request, kind)
    if answer is None:
        recorded = deps.applications.record_document(doc["_id"], info, uploaded)
    else:
        outstanding, answered = answer
        entry = lifecycle.timeline_entry(doc["status"], "You sent what the reviewer asked for",
                                         info["uploaded_at"]) if answered else None
        provided = [events.information_provided(doc["_id"], request["documents"])] if answered else []
        recorded = deps.applications.record_requested_document(doc["_id"], info, request["event_id"], outstanding,
                                                               entry, [uploaded, *provided])
    if not recorded:
        raise NotAllowed()
    return info
