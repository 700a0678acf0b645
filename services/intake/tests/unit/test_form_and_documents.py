from werkzeug.datastructures import MultiDict

from intake.domain.documents import sniff_content_type
from intake.entrypoints.web.form import application_from_form, messages_by_field


def test_form_fields_become_api_data():
    form = MultiDict([("full_name", " Bilal "), ("skills", "seo"), ("skills", "python"), ("experience_years", "7"),
                      ("platform_1", "github"), ("profile_url_1", "https://github.com/b"), ("platform_2", ""),
                      ("profile_url_2", ""), ("listed", "yes"), ("father_name", "")])
    data = application_from_form(form)
    assert data["full_name"] == "Bilal" and data["skills"] == ["seo", "python"] and data["experience_years"] == 7
    assert data["platforms"] == [{"platform": "github", "profile_url": "https://github.com/b"}]
    assert data["listed"] is True and data["consent"] is False and data["father_name"] is None
    assert data["language"] == "en"


def test_non_numeric_experience_is_left_for_the_schema_to_refuse():
    assert application_from_form(MultiDict([("experience_years", "seven")]))["experience_years"] == "seven"


def test_nested_errors_are_flattened_for_display():
    form = MultiDict([("platform_1", "upwork"), ("profile_url_1", "http://x"), ("cnic", "123")])
    flat = messages_by_field({"platforms": {0: {"profile_url": ["Must be https."]}}, "cnic": ["Bad."]}, form)
    assert flat == {"platforms": ["Profile 1: Must be https."], "cnic": ["Bad."]}


def test_an_empty_field_is_asked_for_in_the_forms_words_and_translated():
    form = MultiDict([("cnic", "")])
    flat = messages_by_field({"cnic": ["Length must be between 1 and 15."], "skills": ["Bad."]}, form,
                             translate=lambda message: f"<{message}>")
    assert flat == {"cnic": ["<Enter your CNIC number>"], "skills": ["<Choose at least one skill>"]}


def test_content_decides_the_type():
    assert sniff_content_type(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff_content_type(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff_content_type(b"%PDF-1.4") == "application/pdf"
    assert sniff_content_type(b"GIF89a") is None and sniff_content_type(b"") is None


def test_the_date_of_birth_comes_from_its_three_boxes():
    assert application_from_form(MultiDict([("date_of_birth-day", "7"), ("date_of_birth-month", "3"),
                                            ("date_of_birth-year", "1998")]))["date_of_birth"] == "1998-03-07"
    assert application_from_form(MultiDict())["date_of_birth"] == ""
    assert application_from_form(MultiDict([("date_of_birth-day", "x"), ("date_of_birth-month", "3"),
                                            ("date_of_birth-year", "98")]))["date_of_birth"] == "98-3-x"
