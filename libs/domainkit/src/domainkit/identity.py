"""CNIC and mobile numbers.

A CNIC is 13 digits, written #####-#######-#; the first digit is the province of issue
and the last is odd for men, even for women. There is no public check digit. Mobiles are
03XXXXXXXXX locally and +923XXXXXXXXX in E.164; the operator is never inferred.
"""
import re

from domainkit.geography import KHYBER_PAKHTUNKHWA, PROVINCES

_CNIC = re.compile(r"^(\d{5})-?(\d{7})-?(\d)$", re.ASCII)
_MOBILE = re.compile(r"^(?:\+92|0092|92|0)(3\d{9})$", re.ASCII)

# First digit of a CNIC → where it was issued. 2 (former FATA) is now part of KP.
CNIC_PROVINCE_DIGITS = {
    "1": KHYBER_PAKHTUNKHWA,
    "2": KHYBER_PAKHTUNKHWA,
    "3": "Punjab",
    "4": "Sindh",
    "5": "Balochistan",
    "6": "Islamabad Capital Territory",
    "7": "Gilgit-Baltistan",
}
assert set(CNIC_PROVINCE_DIGITS.values()) <= set(PROVINCES)


def normalise_cnic(text: str) -> str | None:
    """13 digits from either written form; None when it is not a CNIC (a hard error for callers)."""
    match = _CNIC.match(text.strip())
    if not match:
        return None
    digits = "".join(match.groups())
    if digits[0] not in CNIC_PROVINCE_DIGITS or len(set(digits)) == 1:
        return None
    return digits


def format_cnic(digits: str) -> str:
    return f"{digits[:5]}-{digits[5:12]}-{digits[12]}"


def mask_cnic(digits: str) -> str:
    """What may be shown back to its holder: the last four digits only."""
    return f"*****-****{digits[9:12]}-{digits[12]}"


def cnic_province(digits: str) -> str:
    return CNIC_PROVINCE_DIGITS[digits[0]]


def cnic_gender(digits: str) -> str:
    return "male" if int(digits[-1]) % 2 else "female"


def normalise_mobile(text: str) -> str | None:
    """E.164 (+923XXXXXXXXX) from the usual ways of writing a Pakistani mobile; None otherwise."""
    compact = re.sub(r"[\s\-().]", "", text.strip())
    match = _MOBILE.match(compact)
    return f"+92{match.group(1)}" if match else None
