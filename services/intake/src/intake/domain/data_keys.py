"""Per-applicant data keys (crypto-shredding): each application's personal data is sealed under keys of its own.

Four parts, so that no service can open what it does not use: `identity` (the profile and the whole personal
bundle in events, for verification's checks), `contact` (name, email and mobile in events, for notification),
`payer` (the name a fee voucher is made out to, for payments) and `record` (intake's own copy at rest and the
uploaded documents). Applications of earlier versions get a part they lack when it is first needed. A key's id
is "<application id>.<part>" and every ciphertext names it (servicekit.crypto.KeyedSealer). The keys are kept wrapped (sealed) under the service key INTAKE_PII_KEY,
with the id of the wrapping key, so that key can be rotated: `cli rewrap-data-keys` re-wraps them all.
Destroying an application's keys makes every copy of its personal data unreadable, wherever it lies.
"""
import hashlib

IDENTITY, CONTACT, RECORD, PAYER = "identity", "contact", "record", "payer"
PARTS = (IDENTITY, CONTACT, RECORD, PAYER)
SERVED_PARTS = (IDENTITY, CONTACT, PAYER)  # the parts other services may ask for (the record key stays in intake)


class UnknownPart(ValueError):
    pass


def key_id(application_id: str, part: str) -> str:
    return f"{application_id}.{part}"


def parse_key_id(text: str) -> tuple[str, str]:
    """(application id, part) of a key id; UnknownPart when it names no part."""
    application_id, _, part = text.rpartition(".")
    if not application_id or part not in PARTS:
        raise UnknownPart(text)
    return application_id, part


def wrapping_key_id(key: bytes) -> str:
    """A service key's public name: the first 12 hex digits of its SHA-256 (stored beside what it wraps)."""
    return hashlib.sha256(b"intake wrapping key:" + key).hexdigest()[:12]
