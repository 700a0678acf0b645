"""Signing in without a password: the rules of the one-time code, free of storage and web.

An applicant who lost their access code names the email address or mobile number on their
application; a six-digit code goes to it, and that code, typed back within CODE_MINUTES, signs
them in to every application filed with it. The rules:

- the address is found through its blind index (domainkit.people: the same HMAC recipe as
  verification's), never by reading clear addresses; an application carries the indexes of its
  email and mobile in `contact_index`;
- each request makes a challenge, known address or not, and the answer is the same (no one can
  learn whether an address has applied); only a known address is sent a code;
- a challenge is tried at most MAX_ATTEMPTS times, used once, and lives CODE_MINUTES;
- the code is kept only as an HMAC under the challenge's id, compared in constant time;
- an address is sent at most `codes_per_hour` codes (a setting) whoever asks, so the limit
  cannot be used to tell known addresses from unknown ones either.
"""
import dataclasses
import hashlib
import hmac
import secrets

from domainkit.identity import normalise_mobile
from domainkit.people import email_index, mobile_index

EMAIL, SMS = "email", "sms"
CODE_DIGITS = 6
CODE_MINUTES = 10  # how long a code may be typed back
MAX_ATTEMPTS = 5  # wrong codes a challenge takes before it is spent
KEPT_HOURS = 1  # a challenge is kept this long (for the per-address limit), then deleted by a TTL index


class InvalidAddress(ValueError):
    """Neither an email address nor a Pakistani mobile number (said as a field error)."""


class SmsNotOffered(ValueError):
    """A mobile number was given where no SMS gateway is configured."""


@dataclasses.dataclass(frozen=True)
class Address:
    """Where a code goes: the channel and the address's blind index (the clear address is not kept)."""
    channel: str
    index: str


def parse_address(text: str, index_key: bytes, sms_offered: bool) -> Address:
    """The channel and blind index of what the applicant typed: an email address (any case) or a mobile number
    (any of the usual ways of writing one); InvalidAddress or SmsNotOffered otherwise."""
    text = text.strip()
    if "@" in text:
        local, _, domain = text.partition("@")
        if not local or "." not in domain or len(text) > 254 or any(c.isspace() for c in text):
            raise InvalidAddress(text)
        return Address(EMAIL, email_index(index_key, text))
    mobile = normalise_mobile(text)
    if mobile is None:
        raise InvalidAddress(text)
    if not sms_offered:
        raise SmsNotOffered(text)
    return Address(SMS, mobile_index(index_key, mobile))


def contact_indexes(index_key: bytes, email: str | None, mobile: str | None) -> list[str]:
    """The blind indexes an application is found by at sign-in: its email's and its mobile's."""
    found = []
    if email:
        found.append(email_index(index_key, email))
    if mobile:
        found.append(mobile_index(index_key, mobile))
    return found


def new_code() -> str:
    """Six random digits (leading zeros kept)."""
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def new_challenge_id() -> str:
    return secrets.token_urlsafe(24)


def code_hash(key: bytes, challenge_id: str, code: str) -> str:
    """What is kept of a code: its HMAC bound to the challenge (a code is worth nothing on another)."""
    return hmac.new(key, f"sign-in:{challenge_id}:{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(key: bytes, challenge_id: str, code: str, kept_hash: str | None) -> bool:
    """Whether `code` is the challenge's, in constant time; a challenge without a code (an unknown address)
    is compared against a hash no code has, so it takes as long and never matches."""
    typed = code_hash(key, challenge_id, code.strip())
    return hmac.compare_digest(typed, kept_hash or "0" * len(typed)) and kept_hash is not None
