"""The benefit's sentence says the rates it is given, in English and Urdu."""
from domainkit.benefit import TaxBenefit, percent


def test_rates_are_written_as_people_write_them():
    assert [percent(r) for r in (0.25, 1.0, 7.5, 0.1)] == ["0.25", "1", "7.5", "0.1"]


def test_the_sentence_states_both_rates_in_each_language():
    benefit = TaxBenefit(0.5, 2.0)
    for language in ("en", "ur"):
        sentence = benefit.sentence(language)
        assert "0.5%" in sentence and "2%" in sentence
    assert "withheld" in benefit.sentence("en") and "ودہولڈنگ" in benefit.sentence("ur")
    assert benefit.sentence("fr") == benefit.sentence("en")
