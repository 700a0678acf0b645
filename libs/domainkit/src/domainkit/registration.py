"""Registration numbers: PSEB-<year>-<6-digit sequence>-<check letter>, e.g. PSEB-2026-000123-W.

The check letter is the 10-digit number <year><sequence> modulo 23, as a letter. Because
23 is prime and larger than any digit difference, changing one digit or swapping two
adjacent digits always changes the remainder: such a typo is caught, not looked up.
"""
import re

PREFIX = "PSEB"
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXY"  # 23 letters, without I, O and Z, which read like digits
assert len(_LETTERS) == 23
_LOOSE = re.compile(r"^\s*(?:PSEB)?[\s\-]*(\d{4})[\s\-]*(\d{6})[\s\-]*([A-Z])\s*$", re.ASCII)


def check_letter(year: int, sequence: int) -> str:
    return _LETTERS[int(f"{year:04d}{sequence:06d}") % 23]


def format_registration_number(year: int, sequence: int) -> str:
    if not (0 < sequence < 1_000_000):
        raise ValueError("sequence must be 1..999999")
    return f"{PREFIX}-{year:04d}-{sequence:06d}-{check_letter(year, sequence)}"


class Parsed:
    """A number as typed: its canonical form, and whether its check letter agrees."""

    def __init__(self, year: int, sequence: int, letter: str):
        self.year, self.sequence, self.letter = year, sequence, letter
        self.canonical = f"{PREFIX}-{year:04d}-{sequence:06d}-{letter}"
        self.check_ok = sequence > 0 and check_letter(year, sequence) == letter


def parse_registration_number(text: str) -> Parsed | None:
    """Tolerates lower case, spaces and missing dashes or prefix; None when it is not shaped like one."""
    match = _LOOSE.match(text.upper()) if isinstance(text, str) and len(text) < 64 else None
    if not match:
        return None
    return Parsed(int(match.group(1)), int(match.group(2)), match.group(3))
