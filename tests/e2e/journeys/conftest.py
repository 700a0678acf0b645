"""A real browser for the journeys, and the applicant's side of the form."""
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import sync_playwright

from eventkit.mongo import get_database
from support.browser import CHROMIUM_ARGS, CHROMIUM_PATH, cnic_image


@pytest.fixture(scope="session")
def browser(stack):
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1100, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def forget_browser_submissions(stack):
    """Chromium can only reach intake from 127.0.0.1, whose hourly submission limit repeated
    local runs would use up; the journeys start with that one address's counters cleared."""
    get_database(stack.servers.mongodb_uri, "intake")["rate_limits"].delete_many(
        {"_id": {"$regex": r"^submit:127\.0\.0\.1:"}})


@dataclass
class Applicant:
    full_name: str
    cnic: str
    email: str
    mobile: str
    province: str
    city: str
    application_id: str = ""
    access_code: str = ""


def apply_in_browser(page, stack, applicant: Applicant) -> Applicant:
    """Fill in intake's form as a person would, upload both sides of the CNIC, submit, and
    note the tracking id and access code the confirmation page shows."""
    page.goto(stack.url("intake", "/"))
    page.fill("#full_name", applicant.full_name)
    page.fill("#cnic", applicant.cnic)
    page.fill("#date_of_birth", "1994-06-30")
    page.select_option("#gender", "female")
    page.fill("#email", applicant.email)
    page.fill("#mobile", applicant.mobile)
    page.select_option("#province", applicant.province)
    page.fill("#city", applicant.city)
    page.fill("#address", "House 7, Street 3, Gulberg")
    page.select_option("#education", "bachelors")
    page.fill("#experience_years", "4")
    page.check("input[name=skills][value=python]")
    page.check("input[name=skills][value=web-development]")
    page.select_option("select[name=platform_1]", "upwork")
    page.fill("input[name=profile_url_1]", "https://www.upwork.com/freelancers/~01journey")
    page.fill("#headline", "Python developer for data pipelines")
    page.set_input_files("#cnic_front", files=[{"name": "cnic-front.png", "mimeType": "image/png",
                                                "buffer": cnic_image(applicant.full_name, applicant.cnic, "front")}])
    page.set_input_files("#cnic_back", files=[{"name": "cnic-back.png", "mimeType": "image/png",
                                               "buffer": cnic_image(applicant.full_name, applicant.cnic, "back")}])
    page.check("input[name=listed]")
    page.check("input[name=consent]")
    page.click("button[type=submit]")
    page.wait_for_selector("#application-id")
    assert page.title().startswith("Application received"), page.content()
    applicant.application_id = page.inner_text("#application-id").strip()
    applicant.access_code = page.inner_text("#access-token").strip()
    assert re.fullmatch(r"[a-z2-7]{16}", applicant.application_id)
    return applicant


def status_in_browser(page, stack, applicant: Applicant, wanted: str, wait_for) -> None:
    """Open the status page from the confirmation link and reload until it shows `wanted`;
    then show the details with the access code."""
    page.goto(stack.url("intake", f"/status?application_id={applicant.application_id}"))

    def shows_wanted():
        page.reload()
        return page.inner_text("#status").strip() == wanted
    wait_for(shows_wanted, timeout=60, interval=1, message=f"status page shows {wanted}")
    page.fill("#access_token", applicant.access_code)
    page.click("text=Show details")
    page.wait_for_selector("section.details")
