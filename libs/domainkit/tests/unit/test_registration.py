import itertools

import pytest

from domainkit.registration import format_registration_number, parse_registration_number


def test_format():
    number = format_registration_number(2026, 123)
    assert number.startswith("PSEB-2026-000123-") and len(number) == 18


@pytest.mark.parametrize("typed", ["pseb-2026-000123-{l}", "PSEB 2026 000123 {l}", "2026000123{l}", " PSEB2026-000123{l} "])
def test_loose_input_is_normalised(typed):
    canonical = format_registration_number(2026, 123)
    parsed = parse_registration_number(typed.format(l=canonical[-1].lower()))
    assert parsed.canonical == canonical and parsed.check_ok


def test_every_single_digit_typo_and_adjacent_swap_is_caught():
    for sequence in (1, 123, 98765, 999999):
        canonical = format_registration_number(2026, sequence)
        digits = canonical[5:9] + canonical[10:16]
        letter = canonical[-1]
        for i, d in itertools.product(range(10), "0123456789"):
            if digits[i] != d:
                typo = digits[:i] + d + digits[i + 1:]
                assert not parse_registration_number(f"{typo}{letter}").check_ok
        for i in range(9):
            if digits[i] != digits[i + 1]:
                swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
                assert not parse_registration_number(f"{swapped}{letter}").check_ok


@pytest.mark.parametrize("text", ["", "PSEB-26-000123-K", "PSEB-2026-123-K", "PSEB-2026-000123", "x" * 100, None])
def test_not_a_registration_number(text):
    assert parse_registration_number(text) is None
