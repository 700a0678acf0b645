"""Fee voucher numbers (domainkit.vouchers): their shape, and the check digit catching every single
mistyped digit and every swap of two adjacent digits."""
import pytest

from domainkit.vouchers import LENGTH, check_digit, format_voucher_number, grouped, normalise_voucher_number


def test_a_voucher_number_is_sixteen_digits_that_pass_their_own_check():
    number = format_voucher_number("7711", 123)
    assert len(number) == LENGTH == 16 and number.startswith("77110000000012")
    assert normalise_voucher_number(number) == number
    assert normalise_voucher_number(grouped(number)) == number
    assert normalise_voucher_number(number[:4] + "-" + number[4:]) == number


def test_damms_check_digit_on_the_textbook_example():
    assert check_digit("572") == "4"


@pytest.mark.parametrize("serial", [1, 42, 98765432101, 10 ** 11 - 1])
def test_every_single_digit_typo_is_caught(serial):
    number = format_voucher_number("7711", serial)
    for position in range(LENGTH):
        for digit in "0123456789":
            if digit != number[position]:
                typo = number[:position] + digit + number[position + 1:]
                assert normalise_voucher_number(typo) is None, typo


@pytest.mark.parametrize("serial", [1, 42, 98765432101, 10 ** 11 - 1])
def test_every_swap_of_two_adjacent_digits_is_caught(serial):
    number = format_voucher_number("7711", serial)
    for position in range(LENGTH - 1):
        a, b = number[position], number[position + 1]
        if a != b:
            swapped = number[:position] + b + a + number[position + 2:]
            assert normalise_voucher_number(swapped) is None, swapped


@pytest.mark.parametrize("text", ["", "7711", "77110000000012345", "7711 0000 0012 345x", "７７１１000000001234",
                                  None, 7711000000001234, "1" * 41])
def test_anything_else_is_not_a_voucher_number(text):
    assert normalise_voucher_number(text) is None


@pytest.mark.parametrize("biller, serial", [("771", 1), ("77a1", 1), ("7711", 0), ("7711", 10 ** 11)])
def test_a_number_is_made_only_from_a_four_digit_biller_code_and_a_serial_in_range(biller, serial):
    with pytest.raises(ValueError):
        format_voucher_number(biller, serial)
