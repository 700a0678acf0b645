"""Headless Chromium for the journeys: Debian's build, driven by Playwright.

Playwright's own browser downloads are not reachable here, so the executable is given
explicitly (CHROMIUM_PATH, default /usr/bin/chromium; `make install` installs it).
Also the applicant's side of intake's form, as a person fills it in.
"""
import io
import os
import re
from dataclasses import dataclass

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def cnic_image(name: str, cnic: str, side: str) -> bytes:
    """A PNG that looks like one side of a CNIC card (what an applicant's phone would upload)."""
    from PIL import Image, ImageDraw

    card = Image.new("RGB", (640, 400), (222, 238, 226))
    draw = ImageDraw.Draw(card)
    draw.rectangle((10, 10, 630, 390), outline=(20, 90, 50), width=6)
    draw.text((30, 30), "PAKISTAN  National Identity Card", fill=(20, 90, 50))
    lines = [f"Name: {name}", f"Identity Number: {cnic}"] if side == "front" else ["Address: House 1, Lahore"]
    for row, line in enumerate(lines):
        draw.text((30, 120 + 40 * row), line, fill=(0, 0, 0))
    out = io.BytesIO()
    card.save(out, format="PNG")
    return out.getvalue()


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


def apply_in_browser(page, stack, applicant: Applicant, audit=None) -> Applicant:
    """Fill in intake's form as a person would, upload both sides of the CNIC, submit, and
    note the tracking id and access code the confirmation page shows. With `audit`
    (support/pages.PageAudit), the form, its error page and the confirmation are checked with axe-core."""
    page.goto(stack.url("intake", "/"))
    if audit:
        audit.check(page, "apply")
        page.click("#submit-application")  # empty: every field's error, linked from the summary
        page.wait_for_selector(".govuk-error-summary")
        assert page.locator(".govuk-error-summary a[href='#full_name']").count() == 1
        audit.check(page, "apply-errors")
    page.fill("#full_name", applicant.full_name)
    page.fill("#cnic", applicant.cnic)
    page.fill("#date_of_birth-day", "30")
    page.fill("#date_of_birth-month", "6")
    page.fill("#date_of_birth-year", "1994")
    page.select_option("#gender", "female")
    page.fill("#email", applicant.email)
    page.fill("#mobile", applicant.mobile)
    page.select_option("#province", applicant.province)
    page.fill("#city", applicant.city)
    page.fill("#address", "House 7, Street 3, Gulberg")
    page.select_option("#education", "bachelors")
    page.fill("#experience_years", "4")
    for skill in ("python", "web-development"):
        box = page.locator(f"input[name=skills][value={skill}]")
        if not box.is_visible():  # its group is folded: open it as a person would
            page.locator("details.registry-skill-group", has=box).locator("summary").click()
        box.check()
    page.select_option("#platform_1", "upwork")
    page.fill("#profile_url_1", "https://www.upwork.com/freelancers/~01journey")
    page.fill("#headline", "Python developer for data pipelines")
    page.set_input_files("#cnic_front", files=[{"name": "cnic-front.png", "mimeType": "image/png",
                                                "buffer": cnic_image(applicant.full_name, applicant.cnic, "front")}])
    page.set_input_files("#cnic_back", files=[{"name": "cnic-back.png", "mimeType": "image/png",
                                               "buffer": cnic_image(applicant.full_name, applicant.cnic, "back")}])
    page.check("input[name=listed]")
    page.check("input[name=consent]")
    page.click("#submit-application")
    page.wait_for_selector("#confirm-application")  # check your answers, then send
    assert applicant.cnic in page.inner_text("main")
    if audit:
        audit.check(page, "check-answers")
    page.click("#confirm-application")
    page.wait_for_selector("#application-id")
    if page.get_attribute("html", "lang") == "en":
        assert page.title().startswith("Application received"), page.content()
    applicant.application_id = page.inner_text("#application-id").strip()
    applicant.access_code = page.inner_text("#access-token").strip()
    assert re.fullmatch(r"[a-z2-7]{16}", applicant.application_id)
    if audit:
        audit.check(page, "submitted")
    return applicant


def status_in_browser(page, stack, applicant: Applicant, wanted: str, wait_for, audit=None) -> None:
    """Open the status page from the confirmation link and reload until it shows `wanted` (a status, in
    words or as the machine names it); then show the details with the access code."""
    page.goto(stack.url("intake", f"/status?application_id={applicant.application_id}"))

    def shows_wanted():
        page.reload()
        return page.get_attribute("#status", "data-status") == wanted.replace(" ", "_")
    wait_for(shows_wanted, timeout=60, interval=1, message=f"status page shows {wanted}")
    if audit:
        audit.check(page, f"status-{wanted.replace(' ', '-')}")
    page.fill("#access_token", applicant.access_code)
    page.click("#show-details")
    page.wait_for_selector("section.details")
    if audit:
        audit.check(page, f"details-{wanted.replace(' ', '-')}")
