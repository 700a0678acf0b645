"""README.md's examples are checked with the domain code, so they cannot rot: every registration
number it shows has the right check letter, and any CNIC or mobile number it shows is valid."""
import re
from pathlib import Path

from domainkit.identity import normalise_cnic, normalise_mobile
from domainkit.registration import parse_registration_number

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()

# Shaped like the thing (not only the valid ones), so a typo in an example is found rather than skipped.
REGISTRATION_NUMBER = r"\bPSEB-\d{4}-\d{6}-[A-Z]\b"
CNIC = r"(?<![\d-])\d{5}-\d{7}-\d(?![\d-])"
MOBILE = r"(?<![\w+])(?:\+92 ?3\d{2}[ -]?\d{7}|03\d{2}-?\d{7})(?!\d)"


def test_the_readme_has_a_registration_number_example_to_check():
    assert re.findall(REGISTRATION_NUMBER, README), "the README's example number is gone; update this test"


def test_every_registration_number_in_the_readme_has_its_right_check_letter():
    numbers = re.findall(REGISTRATION_NUMBER, README)
    wrong = [n for n in numbers if not (parsed := parse_registration_number(n)) or not parsed.check_ok]
    assert wrong == [], f"README.md shows registration numbers with a wrong check letter: {wrong}"


def test_every_cnic_and_mobile_in_the_readme_is_valid():
    assert [c for c in re.findall(CNIC, README) if normalise_cnic(c) is None] == []
    assert [m for m in re.findall(MOBILE, README) if normalise_mobile(m) is None] == []


def test_the_patterns_find_the_examples_they_are_for():
    text = "e.g. PSEB-2026-000123-W or PSEB-2026-000123-K; CNIC 35202-1234567-8; mobile 0300-1234567, +92 300 1234567"
    assert re.findall(REGISTRATION_NUMBER, text) == ["PSEB-2026-000123-W", "PSEB-2026-000123-K"]
    assert not parse_registration_number("PSEB-2026-000123-K").check_ok
    assert re.findall(CNIC, text) == ["35202-1234567-8"]
    assert re.findall(MOBILE, text) == ["0300-1234567", "+92 300 1234567"]
