"""Reasons said in the reader's language (domainkit.reasons): every template round-trips, values (and
reasons nested in them) are carried over, words typed by a person stay as typed."""
import re

import pytest

from domainkit.platforms import profile_url_problem
from domainkit.reasons import TEMPLATES, localise, reason

SAMPLE_VALUES = {"age": "18", "platform": "Upwork", "problem": reason("url_not_https"), "domains": "upwork.com",
                 "due_date": "2026-12-16", "opens": "2027-10-03", "closes": "2028-01-01",
                 "respond_by": "2026-12-16"}


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.code for t in TEMPLATES])
def test_every_reason_is_said_in_urdu_with_its_values(template):
    values = {name: SAMPLE_VALUES[name] for name in re.findall(r"\{(\w+)\}", template.en)}
    english = reason(template.code, **values)
    urdu = localise(english, "ur")
    assert urdu != english and not re.search(r"[A-Za-z]{4,}", re.sub(r"Upwork|upwork\.com|https", "", urdu)), urdu
    for name, value in values.items():
        assert (localise(value, "ur") if name == "problem" else value) in urdu
    assert set(re.findall(r"\{(\w+)\}", template.ur)) == set(values)


def test_a_nested_reason_is_said_in_the_same_language():
    english = reason("profile_invalid", platform="Fiverr", problem=profile_url_problem("fiverr", "http://fiverr.com/a"))
    assert english == "Your Fiverr profile address is not valid: Must be an https:// address."
    assert localise(english, "ur") == "آپ کے Fiverr پروفائل کا پتا درست نہیں: پتا https:// سے شروع ہونا چاہیے۔"


def test_english_and_a_persons_own_words_are_left_as_they_are():
    assert localise(reason("blocklist"), "en") == reason("blocklist")
    assert localise("The export remittance certificates were forged", "ur") == \
        "The export remittance certificates were forged"
    assert localise(reason("blocklist"), "fr") == reason("blocklist")
