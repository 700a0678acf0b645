import datetime as dt

import pytest
from marshmallow import ValidationError

from intake.entrypoints.schemas import AmendmentSchema, ApplicationSchema

GOOD = dict(full_name="Ayesha Khan", cnic="35202-1234567-2", date_of_birth="1995-04-12", gender="female",
            email=" Ayesha@Example.PK ", mobile="0300-1234567", province="Punjab", city="Lahore",
            address="House 1, Street 2, Model Town", education="bachelors", skills=["python"], experience_years=5,
            platforms=[{"platform": "upwork", "profile_url": "https://www.upwork.com/freelancers/~01"}],
            headline="Python developer", listed=True, consent=True)


def errors_for(**changes):
    with pytest.raises(ValidationError) as caught:
        ApplicationSchema().load({**GOOD, **changes})
    return caught.value.messages


def test_valid_application_is_normalised():
    data = ApplicationSchema().load(GOOD)
    assert data["cnic"] == "3520212345672" and data["mobile"] == "+923001234567"
    assert data["email"] == "ayesha@example.pk" and data["language"] == "en" and data["father_name"] is None


@pytest.mark.parametrize("name", ["محمد علی", "Zara O'Neil", "Syed M. Ali-Shah", "عائشہ‌بی بی"])
def test_names_in_urdu_or_latin_script(name):
    assert ApplicationSchema().load({**GOOD, "full_name": name})["full_name"] == name


@pytest.mark.parametrize("name", ["A", "Robert'); DROP TABLE", "<b>x</b>", "Name123", "x" * 101])
def test_names_refused(name):
    assert "full_name" in errors_for(full_name=name)


def test_whitespace_in_text_is_collapsed():
    assert ApplicationSchema().load({**GOOD, "city": "  Dera   Ghazi  Khan "})["city"] == "Dera Ghazi Khan"


def test_seventeen_year_old_is_refused_and_eighteen_accepted():
    today = dt.date.today()
    eighteen = today.replace(year=today.year - 18) if not (today.month == 2 and today.day == 29) \
        else today.replace(year=today.year - 18, day=28)
    assert ApplicationSchema().load({**GOOD, "date_of_birth": eighteen.isoformat()})
    seventeen = eighteen + dt.timedelta(days=1)
    assert errors_for(date_of_birth=seventeen.isoformat())["date_of_birth"] == [
        "Applicants must be at least 18 years old."]


def test_the_same_platform_twice_is_refused_but_other_may_repeat():
    upwork = {"platform": "upwork", "profile_url": "https://www.upwork.com/a"}
    assert "platforms" in errors_for(platforms=[upwork, upwork])
    others = [{"platform": "other", "profile_url": f"https://site{i}.pk/"} for i in range(2)]
    assert ApplicationSchema().load({**GOOD, "platforms": others})


def test_amendment_keeps_only_what_was_sent_and_refuses_identity_changes():
    assert AmendmentSchema(partial=True).load({"city": "Karachi"}) == {"city": "Karachi"}
    with pytest.raises(ValidationError) as caught:
        AmendmentSchema(partial=True).load({"cnic": "35202-1234567-2", "consent": True})
    assert set(caught.value.messages) == {"cnic", "consent"}
