"""Facts about applicants as people: age, and the keyed hashes (blind indexes) that find the
same identity again without storing it in clear.

The blind-index recipe is written once, here: HMAC-SHA256 under the deployment's index key of
"<kind>:<normalised value>". Intake (its CNIC claims) and verification (duplicate identities,
shared contacts) must compute the same index for the same person.
"""
import datetime as dt
import hashlib
import hmac

ADULT_AGE = 18  # applicants are adults


def age_on(born: dt.date, day: dt.date) -> int:
    """Whole years between `born` and `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_adult(born: dt.date, day: dt.date) -> bool:
    return age_on(born, day) >= ADULT_AGE


def blind_index(key: bytes, kind: str, value: str) -> str:
    """The keyed hash of one identifying value (`kind` is cnic, email or mobile)."""
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def cnic_index(key: bytes, cnic_digits: str) -> str:
    """A CNIC's blind index (13 digits, as normalised by domainkit.identity.normalise_cnic)."""
    return blind_index(key, "cnic", cnic_digits)


def email_index(key: bytes, email: str) -> str:
    return blind_index(key, "email", email.lower())


def mobile_index(key: bytes, mobile_e164: str) -> str:
    return blind_index(key, "mobile", mobile_e164)
