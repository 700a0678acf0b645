"""The web form, confirmation and status pages, end to end over HTTP (no JavaScript involved)."""
import re

from support.intake import JPEG, PNG, csrf_from, random_cnic

FORM = {
    "full_name": "Bilal Ahmed", "father_name": "", "cnic": "", "gender": "male",
    "date_of_birth-day": "15", "date_of_birth-month": "1", "date_of_birth-year": "1990",
    "email": "bilal@example.pk", "mobile": "0321 7654321", "province": "Punjab", "city": "Lahore",
    "address": "12 Canal Road, Lahore", "education": "masters", "experience_years": "7",
    "platform_1": "fiverr", "profile_url_1": "https://www.fiverr.com/bilal", "platform_2": "", "profile_url_2": "",
    "platform_3": "", "profile_url_3": "", "portfolio_url": "", "headline": "Laravel developer for e-commerce",
    "language": "en", "listed": "yes", "consent": "yes",
}


def test_form_submission_confirmation_and_status(client, intake_db):
    page = client.get("/")
    assert page.status_code == 200 and 'charset="utf-8"' in page.text
    assert "Content-Security-Policy" in page.headers
    fields = {**FORM, "cnic": random_cnic(gender="male"), "csrf_token": csrf_from(page.text)}
    data = {**fields, "skills": ["php-laravel", "shopify"]}
    files = {"cnic_front": ("front.jpg", JPEG, "image/jpeg"), "cnic_back": ("back.png", PNG, "image/png")}
    before = intake_db["applications"].count_documents({})
    check = client.post("/apply", data=data, files=files)  # check your answers: nothing is sent yet
    assert check.status_code == 200, check.text
    assert intake_db["applications"].count_documents({}) == before
    assert data["cnic"] in check.text and "front.jpg" not in check.text and "image/jpeg" in check.text
    draft = re.search(r'name="draft" value="([^"]+)"', check.text).group(1)
    stored = intake_db["drafts"].find_one({"_id": draft})
    assert stored and data["cnic"] not in str(stored) and "Bilal" not in str(stored)  # sealed at rest
    # "Change" opens the form prefilled from the draft, its files kept
    change = client.get("/", params={"draft": draft})
    assert 'value="Laravel developer for e-commerce"' in change.text and "Attached already" in change.text
    confirmation = client.post("/apply/confirm", data={"draft": draft, "csrf_token": csrf_from(check.text)})
    assert confirmation.status_code == 201, confirmation.text
    assert client.post("/apply/confirm", data={"draft": draft, "csrf_token": csrf_from(check.text)}).status_code == 410
    application_id = re.search(r'id="application-id">([a-z2-7]+)<', confirmation.text).group(1)
    token = re.search(r'id="access-token">([^<]+)<', confirmation.text).group(1)

    doc = intake_db["applications"].find_one({"_id": application_id})
    assert doc["public"]["skills"] == ["php-laravel", "shopify"]
    assert sorted(doc["documents"]) == ["cnic_back", "cnic_front"]

    status = client.get("/status", params={"application_id": application_id})
    # verification decides clean applications within moments, so any of these is right
    assert re.search(r'data-status="(submitted|in_review|awaiting_payment)"', status.text)
    details = client.post("/status", data={"application_id": application_id, "access_token": token,
                                           "csrf_token": csrf_from(status.text)})
    assert details.status_code == 200
    assert "Application received" in details.text and "CNIC — front" in details.text


def test_form_errors_are_shown_inline_and_nothing_is_stored(client, intake_db):
    page = client.get("/")
    before = intake_db["applications"].count_documents({})
    fields = {**FORM, "cnic": "12345", "mobile": "12", "consent": "", "csrf_token": csrf_from(page.text)}
    response = client.post("/apply", data=fields, files={"cnic_front": ("x.gif", b"GIF89a....", "image/gif")})
    assert response.status_code == 422
    html = response.text
    assert 'id="cnic-error"' in html and 'id="mobile-error"' in html and 'id="consent-error"' in html
    assert re.search(r'id="cnic_front-error"[^>]*>.*Only PNG, JPEG or PDF', html, re.S)
    assert 'id="cnic_back-error"' in html
    assert 'class="govuk-error-summary' in html and 'href="#cnic"' in html  # the summary links to each field
    assert 'id="skills-error"' in html
    assert 'value="Bilal Ahmed"' in html  # what was typed is kept
    assert intake_db["applications"].count_documents({}) == before


def test_form_without_csrf_token_is_refused(client, intake_db):
    before = intake_db["applications"].count_documents({})
    response = client.post("/apply", data={**FORM, "cnic": random_cnic(gender="male")})
    assert response.status_code == 400
    assert intake_db["applications"].count_documents({}) == before


def test_markup_is_inert_on_pages(client):
    page = client.get("/status", params={"application_id": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
