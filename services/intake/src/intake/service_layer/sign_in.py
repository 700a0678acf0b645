"""Signing an applicant in by a one-time code sent to the email address or mobile number on their application
(the rules are domain/sign_in.py's), and what a signed-in applicant may open.

- `request_code`: a challenge for the address typed, known or not (the answer never says which); a known
  address is sent a code through notification: a SignInCodeRequested event in the outbox of the applicant's
  latest application, the code and contact sealed under EVENT_PII_KEY.
- `sign_in`: the code typed back, tried against the challenge (at most MAX_ATTEMPTS tries, once, before it
  expires); the address's blind index, which the web session keeps, or CodeRefused.
- `applications_of`, `authorise_signed_in`: the applications filed with that address.
- `index_contacts`: gives applications stored before sign-in by code their `contact_index` (an operator's
  command, safe to repeat and to run while intake serves).
"""
import datetime as dt
import sys

from intake.domain import events
from intake.domain.data_keys import CONTACT
from intake.domain.sign_in import (CODE_MINUTES, KEPT_HOURS, MAX_ATTEMPTS, code_hash, code_matches, contact_indexes,
                                   new_challenge_id, new_code, parse_address)
from intake.service_layer.dependencies import Dependencies
from intake.service_layer.submissions import NotFound
from servicekit.progress import Progress

LISTED = 50  # the most applications a signed-in applicant's list shows (one person files a few)
BATCH = 500


class TooManyCodes(Exception):
    """The address was sent as many codes as an hour allows (whether or not any application has it)."""


class CodeRefused(Exception):
    """The code is wrong, or its challenge is spent, expired or unknown (never said which)."""


def request_code(deps: Dependencies, typed_address: str) -> str:
    """A challenge id for the email address or mobile number typed, and, when an application has it, a code on its
    way there. InvalidAddress / SmsNotOffered (domain.sign_in) for what is neither; TooManyCodes past the hourly
    limit — for known and unknown addresses alike."""
    address = parse_address(typed_address, deps.keys.cnic_index, deps.sign_in_by_sms)
    now = deps.now()
    challenges = deps.sign_in_challenges
    if challenges.count_opened_since(address.index, now - dt.timedelta(hours=1)) >= deps.sign_in_codes_per_hour:
        raise TooManyCodes()
    challenge_id, expires_at = new_challenge_id(), now + dt.timedelta(minutes=CODE_MINUTES)
    application = deps.applications.latest_with_contact(address.index)
    code = None if application is None else new_code()
    challenges.open({"_id": challenge_id, "address_index": address.index, "channel": address.channel,
                     "code_hash": None if code is None else code_hash(deps.keys.sign_in, challenge_id, code),
                     "created_at": now, "expires_at": expires_at, "purge_at": now + dt.timedelta(hours=KEPT_HOURS)})
    if application is not None:
        private = deps.unseal_record(application["pii"])
        contact = {"full_name": application["public"]["full_name"], "email": private["email"],
                   "mobile": private["mobile"]}
        event = events.sign_in_code_requested(
            application["_id"], address.channel, deps.sealer(application["_id"], CONTACT).seal(contact),
            deps.sealer(application["_id"], CONTACT).seal({"code": code}), application["language"],
            expires_at.isoformat())
        deps.applications.note_sign_in_code(application["_id"], now, event)
    return challenge_id


def sign_in(deps: Dependencies, challenge_id: str, typed_code: str) -> str:
    """The blind index of the address the challenge's code went to, once the right code is typed back; CodeRefused
    for a wrong code, or a challenge spent, expired, out of tries or unknown."""
    now = deps.now()
    challenge = deps.sign_in_challenges.take_attempt(challenge_id, now, MAX_ATTEMPTS)
    if challenge is None or not code_matches(deps.keys.sign_in, challenge_id, typed_code, challenge["code_hash"]):
        raise CodeRefused()
    if not deps.sign_in_challenges.mark_used(challenge_id, now):
        raise CodeRefused()
    return challenge["address_index"]


def applications_of(deps: Dependencies, address_index: str) -> list[dict]:
    """The applications filed with the signed-in address, the latest first: id, status, times, name, registration."""
    return [{"application_id": doc["_id"], "status": doc["status"], "submitted_at": doc["submitted_at"],
             "updated_at": doc["updated_at"], "full_name": doc["public"]["full_name"],
             "registration_number": (doc.get("decision") or {}).get("registration_number"),
             "valid_until": (doc.get("decision") or {}).get("valid_until")}
            for doc in deps.applications.list_with_contact(address_index, LISTED)]


def authorise_signed_in(deps: Dependencies, application_id: str, address_index: str) -> dict:
    """The application, if it was filed with the signed-in address; NotFound otherwise (as for a wrong access code)."""
    doc = deps.applications.get_with_contact(application_id, address_index)
    if doc is None:
        raise NotFound()
    return doc


def index_contacts(deps: Dependencies, out=sys.stderr) -> dict:
    """Give every application stored before sign-in by code the blind indexes of its email and mobile; counts of
    applications indexed now and left unreadable (no personal data)."""
    repository = deps.applications
    progress = Progress("index contacts for sign-in", repository.count_without_contact_index(), out)
    result = {"indexed": 0, "without_contact": 0}
    after = None
    while batch := repository.without_contact_index_after(after, BATCH):
        for doc in batch:
            if "pii" not in doc:
                result["without_contact"] += 1
                continue
            private = deps.unseal_record(doc["pii"])
            if repository.set_contact_index(doc["_id"], contact_indexes(deps.keys.cnic_index, private.get("email"),
                                                                         private.get("mobile"))):
                result["indexed"] += 1
        after = batch[-1]["_id"]
        progress.advance(len(batch))
    progress.finish()
    return result
