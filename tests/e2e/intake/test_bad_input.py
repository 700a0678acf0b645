"""Bad input never gives a 500 and stores nothing: each kind answered with a clear 4xx."""
import json

import pytest

from support.intake import valid_application

HOSTILE_FIELDS = [
    # (field, value, status) — operator objects, wrong types, sizes, shapes, markup
    ("cnic", {"$gt": ""}, 422),
    ("email", {"$ne": None}, 422),
    ("full_name", {"$where": "1"}, 422),
    ("skills", "python", 422),
    ("skills", [{"$gt": ""}], 422),
    ("experience_years", "five", 422),
    ("experience_years", 5.5, 422),
    ("listed", {"yes": True}, 422),
    ("platforms", {"platform": "upwork"}, 422),
    ("full_name", "A" * 10_000, 422),
    ("headline", "x" * 121, 422),
    ("skills", ["python"] * 11, 422),
    ("platforms", [{"platform": "other", "profile_url": f"https://example.com/{i}"} for i in range(6)], 422),
    ("full_name", "<script>alert(1)</script>", 422),
    ("address", "House <b>1</b>", 422),
    ("city", "Lahore\x00", 422),
    ("cnic", "35202-1234567", 422),
    ("cnic", "95202-1234567-1", 422),
    ("date_of_birth", "2015-01-01", 422),
    ("date_of_birth", "1995-02-30", 422),
    ("gender", "unknown", 422),
    ("mobile", "+14155550100", 422),
    ("province", "punjab", 422),
    ("education", "phd ", 422),
    ("skills", ["not-a-skill"], 422),
    ("platforms", [{"platform": "upwork", "profile_url": "https://upwork.com.evil.example/x"}], 422),
    ("platforms", [{"platform": "github", "profile_url": "http://github.com/me"}], 422),
    ("platforms", [{"platform": "github", "profile_url": "https://github.com/me", "extra": 1}], 422),
    ("consent", False, 422),
    ("language", "fr", 422),
    ("email", "not-an-email", 422),
]


@pytest.fixture
def stored_counts(intake_db):
    def counts():
        return {name: intake_db[name].count_documents({}) for name in ("applications", "documents")}
    return counts


@pytest.mark.parametrize("field,value,status", HOSTILE_FIELDS, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(HOSTILE_FIELDS)])
def test_invalid_field_is_a_field_level_error_and_stores_nothing(client, stored_counts, field, value, status):
    before = stored_counts()
    response = client.post("/api/v1/applications", json=valid_application(**{field: value}))
    assert response.status_code == status, response.text
    assert field in response.json()["errors"]
    assert stored_counts() == before


@pytest.mark.parametrize("body,headers,status", [
    ("full_name=Ayesha", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
    ('{"full_name": "Ayesha"', {"Content-Type": "application/json"}, 400),
    ("[1, 2, 3]", {"Content-Type": "application/json"}, 422),
    ('"just a string"', {"Content-Type": "application/json"}, 422),
    (json.dumps({"padding": "x" * 70_000}), {"Content-Type": "application/json"}, 413),
    ("\udcff".encode("utf-8", "surrogatepass"), {"Content-Type": "application/json"}, 400),
], ids=["form-encoded", "malformed-json", "json-array", "json-string", "oversized", "invalid-utf8"])
def test_malformed_bodies_are_refused_and_store_nothing(client, stored_counts, body, headers, status):
    before = stored_counts()
    response = client.post("/api/v1/applications", content=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["code"] == status
    assert stored_counts() == before


def test_unknown_and_missing_fields_are_named(client, stored_counts):
    before = stored_counts()
    data = valid_application(is_admin=True)
    del data["cnic"]
    response = client.post("/api/v1/applications", json=data)
    assert response.status_code == 422
    assert response.json()["errors"] == {"is_admin": ["Unknown field."], "cnic": ["Missing data for required field."]}
    assert stored_counts() == before


def test_urdu_names_are_accepted(submit):
    application_id, _, data = submit(full_name="عائشہ خان", father_name="عمران خان")
    assert application_id
