"""The events intake publishes on `intake.events`, keyed by application id.

Payloads carry what verification and notification need and nothing more. An application's data (its public
profile, and the CNIC, date of birth, gender, email, mobile, address, father's name) travels only sealed, under
keys of that application alone (domain/data_keys.py): `profile` and `sealed` (identity: verification) and
`contact` (name, email, mobile: notification). Events of earlier versions carried the profile in the clear as
`public` and sealed `sealed` under the shared EVENT_PII_KEY.
"""
from eventkit.envelope import new_event

SOURCE = "intake"
APPLICATION_SUBMITTED = "ApplicationSubmitted"
APPLICATION_AMENDED = "ApplicationAmended"
APPLICATION_WITHDRAWN = "ApplicationWithdrawn"
DOCUMENT_UPLOADED = "DocumentUploaded"
RENEWAL_REQUESTED = "RenewalRequested"
SIGN_IN_CODE_REQUESTED = "SignInCodeRequested"
INFORMATION_PROVIDED = "InformationProvided"
LISTING_PREFERENCE_CHANGED = "ListingPreferenceChanged"


def application_event(event_type: str, application_id: str, profile: str, sealed: str, contact: str, payer: str,
                      language: str) -> dict:
    """Submitted or amended: the whole current application, so consumers never merge partial updates. Nothing in
    the clear but ids and the language: `profile` (the public fields: name, city, skills, platforms, headline…)
    and `sealed` (the personal data) are under the application's identity key (verification), `contact` (name,
    email, mobile) under its contact key (notification), `payer` (the name) under its payer key (payments).
    Erasing the keys leaves nothing readable."""
    return new_event(event_type, application_id, {
        "application_id": application_id,
        "profile": profile,
        "sealed": sealed,
        "contact": contact,
        "payer": payer,
        "language": language,
    }, source=SOURCE)


def withdrawn(application_id: str) -> dict:
    return new_event(APPLICATION_WITHDRAWN, application_id, {"application_id": application_id}, source=SOURCE)


def document_uploaded(application_id: str, kind: str, content_type: str, size: int) -> dict:
    return new_event(DOCUMENT_UPLOADED, application_id, {
        "application_id": application_id, "kind": kind, "content_type": content_type, "size": size,
    }, source=SOURCE)


def renewal_requested(application_id: str, registration_number: str, prc: dict, language: str) -> dict:
    """The registrant asks to renew, with the proceeds realisation certificate `prc` ({kind, content_type, size})
    and their profile confirmed as it stands; verification checks it as it checks a new application."""
    return new_event(RENEWAL_REQUESTED, application_id, {
        "application_id": application_id, "registration_number": registration_number, "language": language,
        "documents": [{"kind": prc["kind"], "content_type": prc["content_type"], "size": prc["size"]}],
        "profile_confirmed": True,
    }, source=SOURCE)


def sign_in_code_requested(application_id: str, channel: str, contact: str, code: str, language: str,
                           expires_at: str) -> dict:
    """A one-time sign-in code for notification to send on `channel` (email or sms), keyed by the applicant's latest
    application. The contact (name, email, mobile) and the code are sealed under EVENT_PII_KEY, each apart;
    `expires_at` (ISO 8601) is when the code stops working, so a delivery is not tried after it."""
    return new_event(SIGN_IN_CODE_REQUESTED, application_id, {
        "application_id": application_id, "channel": channel, "contact": contact, "code": code,
        "language": language, "expires_at": expires_at,
    }, source=SOURCE)


def information_provided(application_id: str, documents: list[str]) -> dict:
    """The applicant uploaded every document a reviewer asked for (`documents`): verification returns the case to
    review."""
    return new_event(INFORMATION_PROVIDED, application_id, {"application_id": application_id,
                                                            "documents": documents}, source=SOURCE)


def listing_preference_changed(application_id: str, registration_number: str, listed: bool) -> dict:
    """The registrant takes their registration out of the public directory (`listed` false) or puts it back:
    verification keeps the choice and tells the directory."""
    return new_event(LISTING_PREFERENCE_CHANGED, application_id, {
        "application_id": application_id, "registration_number": registration_number, "listed": listed,
    }, source=SOURCE)
