"""Age, blind indexes and document kinds: the rules intake and verification share."""
import datetime as dt

from domainkit.documents import KINDS, REQUIRED_KINDS
from domainkit.people import ADULT_AGE, age_on, cnic_index, email_index, is_adult, mobile_index

KEY = b"k" * 32


def test_age_counts_whole_years_and_adults_are_eighteen():
    assert ADULT_AGE == 18
    assert age_on(dt.date(2000, 6, 15), dt.date(2018, 6, 14)) == 17
    assert age_on(dt.date(2000, 6, 15), dt.date(2018, 6, 15)) == 18
    assert not is_adult(dt.date(2000, 6, 15), dt.date(2018, 6, 14))
    assert is_adult(dt.date(2000, 2, 29), dt.date(2018, 3, 1))


def test_blind_indexes_are_keyed_and_kept_apart_by_kind():
    assert cnic_index(KEY, "3520212345671") == cnic_index(KEY, "3520212345671")
    assert cnic_index(KEY, "3520212345671") != cnic_index(b"j" * 32, "3520212345671")
    assert email_index(KEY, "A@Example.pk") == email_index(KEY, "a@example.pk")
    assert mobile_index(KEY, "+923001234567") != cnic_index(KEY, "+923001234567")


def test_every_required_document_is_a_known_kind():
    assert set(REQUIRED_KINDS) <= set(KINDS) and "ntn_certificate" in KINDS
