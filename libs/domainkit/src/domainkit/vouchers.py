"""Fee voucher numbers: what an applicant types into a bank app or reads out at a branch to pay.

16 digits: the biller code (4 digits, given to the board by the bill aggregator; a setting), an
11-digit serial, and one check digit by Damm's algorithm. The Damm check digit catches every
single mistyped digit and every swap of two adjacent digits, the two mistakes people make most
when copying numbers, so a bank's inquiry for a mistyped voucher says "invalid" instead of finding
someone else's bill. Shown in groups of four (e.g. 7711 0000 0012 3459), accepted with or without
spaces or dashes.
"""
import re

BILLER_CODE_DIGITS, SERIAL_DIGITS = 4, 11
LENGTH = BILLER_CODE_DIGITS + SERIAL_DIGITS + 1

# Damm's quasigroup of order 10 (weakly totally anti-symmetric, zero diagonal).
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_SEPARATORS = re.compile(r"[\s\-]")


def damm_interim(digits: str) -> int:
    interim = 0
    for digit in digits:
        interim = _DAMM[interim][int(digit)]
    return interim


def check_digit(digits: str) -> str:
    """The digit that makes `digits` + it pass Damm's check."""
    return str(damm_interim(digits))


def format_voucher_number(biller_code: str, serial: int) -> str:
    """The 16 digits of the voucher `serial` of `biller_code`, check digit last."""
    if not (len(biller_code) == BILLER_CODE_DIGITS and biller_code.isascii() and biller_code.isdigit()):
        raise ValueError(f"a biller code is {BILLER_CODE_DIGITS} digits")
    if not (0 < serial < 10 ** SERIAL_DIGITS):
        raise ValueError(f"a serial is 1..{10 ** SERIAL_DIGITS - 1}")
    body = f"{biller_code}{serial:0{SERIAL_DIGITS}d}"
    return body + check_digit(body)


def grouped(number: str) -> str:
    """For people: 7711 0000 0012 3459."""
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def normalise_voucher_number(text: str) -> str | None:
    """The 16 digits of a voucher number as typed (spaces and dashes allowed), if its check digit
    agrees; None otherwise."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    digits = _SEPARATORS.sub("", text)
    if len(digits) != LENGTH or not (digits.isascii() and digits.isdigit()):
        return None
    return digits if damm_interim(digits) == 0 else None
