"""The journeys applicants and a reviewer take, in headless Chromium against the running stack: approved
in principle automatically, the fee voucher paid at the bank sandbox's page and registered; the voucher
left unpaid until it lapses, and the same person applying again; flagged and approved by a reviewer in
the console, then paid (two reviewers working the queue at once); an approval over a blocklist finding
confirmed by a second reviewer; rejected with reasons; a registration revoked by two admins in the console, and
the public verify page saying so; a registrant reminded of the expiry who renews with a PRC on the status
page, pays the renewal voucher at the bank and keeps the number, with a new certificate."""
import dataclasses
import io
import os
import re
import time
import uuid

import httpx
import pypdfium2
import pytest
import zxingcpp

from support.browser import Applicant, apply_in_browser, status_in_browser
from support.directory import latin_word
from support.intake import PNG, random_cnic, unique_mobile
from support.mail import mails_to, parts
from support.redeploy import redeployed
from support.verification import PASSWORD, create_reviewer


def new_applicant(**overrides) -> Applicant:
    data = {"full_name": f"Sana {latin_word()}", "cnic": random_cnic("3", "female"),
            "email": f"sana.{uuid.uuid4().hex[:8]}@example.pk", "mobile": unique_mobile(),
            "province": "Punjab", "city": "Lahore"}
    return Applicant(**{**data, **overrides})


def mail_with(address: str, words: str, wait_for):
    return wait_for(lambda: next((m for m in mails_to(address) if words in m["Subject"]), None),
                    timeout=60, message=f"a message to {address} about '{words}'")


# Words of the emails' subjects each journey waits for, in each language (notification's templates).
SUBJECT_WORDS = {"en": {"received": "received", "in principle": "in principle"},
                 "ur": {"received": "موصول", "in principle": "اصولی منظوری"}}
SANDBOX_URL = f"http://127.0.0.1:{os.environ.get('BANK_SANDBOX_PORT', 8010)}"


def voucher_on_the_status_page(page, stack, applicant: Applicant, wait_for, audit=None) -> str:
    """The voucher number the applicant's status page shows once payments has issued the voucher."""
    def issued():
        response = httpx.get(stack.url("intake", f"/api/v1/applications/{applicant.application_id}"),
                             headers={"Authorization": f"Bearer {applicant.access_code}"}, timeout=10)
        return response.json().get("voucher")
    wait_for(issued, timeout=60, message="the fee voucher issued")
    status_in_browser(page, stack, applicant, "awaiting payment", wait_for, audit)
    return page.inner_text("#voucher-number").strip()


def pay_at_the_bank(page, voucher_number: str) -> None:
    """At the bank sandbox's counter page: look the voucher up, check the payer, pay it."""
    page.goto(SANDBOX_URL + "/")
    page.fill("#number", voucher_number)
    page.click("button:has-text('Look up')")
    assert "unpaid" in page.inner_text("body")
    page.click("button:has-text('Pay')")
    page.wait_for_load_state()
    assert "transaction" in page.inner_text("body"), page.inner_text("body")[:500]


@pytest.mark.parametrize("language", ["en", "ur"])
def test_applicant_pays_the_voucher_is_registered_and_the_certificate_qr_opens_the_verify_page(
        page, stack, wait_for, language, audit):
    """The whole public side, in the language the browser asks for (English, or Urdu laid out right to
    left): every page it lands on is checked with axe-core at 375 and 1280 px and photographed."""
    applicant = apply_in_browser(page, stack, new_applicant(), audit)
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ur" else "ltr")
    # the messages come in the language the form was filled in (its language field defaults to the page's)
    words = SUBJECT_WORDS[language]
    receipt = mail_with(applicant.email, words["received"], wait_for)
    assert applicant.application_id in receipt["Subject"]

    # approved in principle: the status page and the voucher email (its PDF's barcode) carry the voucher number
    voucher_number = voucher_on_the_status_page(page, stack, applicant, wait_for, audit)
    voucher_mail = mail_with(applicant.email, words["in principle"], wait_for)
    pdf = parts(voucher_mail)["application/pdf"].get_content()
    barcodes = zxingcpp.read_barcodes(pypdfium2.PdfDocument(io.BytesIO(pdf))[0].render(scale=3).to_pil())
    assert voucher_number in [b.text for b in barcodes], [b.text for b in barcodes]
    pay_at_the_bank(page, voucher_number)

    status_in_browser(page, stack, applicant, "approved", wait_for, audit)
    assert page.get_attribute("#voucher-status", "data-status") == "paid"
    number = page.inner_text("#registration-number").strip()
    assert re.fullmatch(r"PSEB-\d{4}-\d{6}-[A-Z]", number)
    assert "(image/png" in page.inner_text("#documents")
    with page.expect_download() as download:  # the certificate as it stands now, from the status page
        page.click("#download-certificate")
    printed = pypdfium2.PdfDocument(download.value.path())
    assert number in printed[0].get_textpage().get_text_range() and len(printed) == 1

    # the public directory: search by the surname, open the profile from the results
    page.goto(stack.url("directory", "/"))
    audit.check(page, "directory-search")
    surname = applicant.full_name.split()[1]
    page.fill("#q", surname)
    page.click("#search-button")
    # the form's GET must finish before any reload, or the reload hits a page being replaced
    page.wait_for_url(re.compile(r"[?&]q="))
    wait_for(lambda: page.reload() or page.get_attribute("#total", "data-total") == "1", timeout=30, interval=1,
             message="the directory finds the new freelancer")
    audit.check(page, "directory-results")
    page.click(f"ol.results a:has-text('{applicant.full_name}')")
    assert number in page.content() and applicant.cnic not in page.content()
    audit.check(page, "directory-profile")
    page.goto(stack.url("directory", "/stats"))
    audit.check(page, "directory-statistics")

    # the approval mail's certificate carries a QR code; the browser opens what it encodes
    approval = mail_with(applicant.email, number, wait_for)
    pdf = parts(approval)["application/pdf"].get_content()
    [qr] = zxingcpp.read_barcodes(pypdfium2.PdfDocument(io.BytesIO(pdf))[0].render(scale=2).to_pil())
    page.goto(qr.text)
    assert page.get_attribute("#verdict", "data-status") == "valid"
    assert applicant.full_name in page.inner_text("#verdict")
    audit.check(page, "directory-verify")


def test_the_voucher_lapses_unpaid_and_the_same_person_applies_again(page, stack, wait_for):
    # payments issues this applicant's voucher payable for 45 seconds (FEE_DUE_DAYS, shortened as tests may)
    with redeployed(stack, "payments:payments-worker", "payments.entrypoints.worker", FEE_DUE_DAYS=str(45 / 86_400)):
        applicant = apply_in_browser(page, stack, new_applicant())
        voucher_number = voucher_on_the_status_page(page, stack, applicant, wait_for)

    wait_for(lambda: httpx.get(stack.url("intake", f"/api/v1/applications/{applicant.application_id}/status"))
             .json()["status"] == "lapsed", timeout=120, interval=1, message="the application to lapse")
    status_in_browser(page, stack, applicant, "lapsed", wait_for)
    assert page.get_attribute("#voucher-status", "data-status") == "expired"
    lapsed_mail = mail_with(applicant.email, "lapsed", wait_for)
    assert "was not paid by its due date" in parts(lapsed_mail)["text/plain"].get_content()

    page.goto(SANDBOX_URL + "/")  # the bank can no longer take the fee
    page.fill("#number", voucher_number)
    page.click("button:has-text('Look up')")
    assert "expired" in page.inner_text("body")

    # the CNIC is free again: the same person applies once more, and is approved in principle
    again = apply_in_browser(page, stack, dataclasses.replace(applicant, application_id="", access_code=""))
    assert again.application_id != applicant.application_id
    assert voucher_on_the_status_page(page, stack, again, wait_for) != voucher_number


def sign_in_to_console(page, stack, username: str, audit=None) -> None:
    """Sign in as a reviewer. The browser shares 127.0.0.1 with every other test that signs in, and
    the console allows 20 sign-ins per address per 5 minutes: a refusal for that reason waits for
    the window the server names (Retry-After) and tries once more; any other refusal fails here."""
    for attempt in range(2):
        page.goto(stack.url("verification", "/console"))
        if audit and attempt == 0:
            audit.check(page, "console-sign-in")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        with page.expect_response(lambda r: r.url.endswith("/console/login") and r.request.method == "POST") as answer:
            page.click("button:has-text('Sign in')")
        response = answer.value
        if response.status == 429 and attempt == 0:
            time.sleep(int(response.headers.get("retry-after", "60")) + 1)
            continue
        page.wait_for_load_state()
        assert page.locator("#q").count() == 1, f"{page.url}: {page.inner_text('body')[:500]}"
        return


def test_flagged_applicant_is_approved_by_a_reviewer_in_the_console(page, browser, stack, wait_for, audit):
    """Two reviewers work the queue at once: the one who claims the case decides it; the other sees who holds
    it, no decision form, and cannot decide it through the API either."""
    # lives in Sindh, CNIC issued in Punjab: the automated checks ask a reviewer
    applicant = apply_in_browser(page, stack, new_applicant(province="Sindh", city="Karachi"))
    status_in_browser(page, stack, applicant, "in review", wait_for)
    mail_with(applicant.email, "reviewer", wait_for)

    reviewer, colleague = create_reviewer("reviewer"), create_reviewer("reviewer")
    sign_in_to_console(page, stack, reviewer, audit)
    audit.check(page, "console-queue")
    page.fill("#q", applicant.full_name)  # the queue may hold hundreds of cases: find this applicant's
    page.click("button:has-text('Find')")
    page.click(f"a:has-text('{applicant.full_name}')")
    assert page.get_attribute("#state", "data-state") == "in_review"
    assert "CNIC province" in page.inner_text("#checks")
    scan = page.locator("#documents figure[data-kind='cnic_front'] img")
    scan.scroll_into_view_if_needed()  # shown inline, fetched from intake when it comes into view
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=scan.element_handle())
    assert "No other application" in page.inner_text("#history")
    audit.check(page, "console-case")
    case_url = page.url
    for path in (case_url, stack.url("verification", "/console")):  # the console in Urdu too, then back
        page.goto(f"{path}?lang=ur")
        assert page.get_attribute("html", "dir") == "rtl"
        audit.check(page, "console-case" if path == case_url else "console-queue")
    page.goto(f"{case_url}?lang=en")
    page.click("#claim-case")
    assert page.get_attribute("#claim", "data-claimed-by") == reviewer and page.locator("#release-case").count() == 1

    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_to_console(other, stack, colleague)
    other.goto(stack.url("verification", f"/console?q={applicant.full_name}&assigned=unassigned"))
    assert other.locator(f"#queue a:has-text('{applicant.full_name}')").count() == 0  # claimed: not offered
    other.goto(case_url)
    assert reviewer in other.inner_text("#claimed-by-other") and other.locator("#decision-form").count() == 0
    token = httpx.post(stack.url("verification", "/api/v1/auth/token"),
                       json={"username": colleague, "password": PASSWORD}, timeout=10).json()["access_token"]
    refused = httpx.post(f"{case_url.replace('/console/cases/', '/api/v1/reviews/')}/decision",
                         json={"decision": "reject", "reason": "Not convinced"},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert refused.status_code == 409 and reviewer in refused.json()["message"]

    page.fill("#reason", "Works in Karachi; CNIC from Lahore is expected")
    page.click("button:has-text('Approve')")
    page.wait_for_load_state()
    assert page.get_attribute("#state", "data-state") == "awaiting_payment"
    other.reload()
    assert other.get_attribute("#state", "data-state") == "awaiting_payment"
    assert other.locator("#decision-form, #claim").count() == 0
    other.context.close()

    voucher_number = voucher_on_the_status_page(page, stack, applicant, wait_for)
    pay_at_the_bank(page, voucher_number)
    status_in_browser(page, stack, applicant, "approved", wait_for)
    number = page.inner_text("#registration-number").strip()
    assert re.fullmatch(r"PSEB-\d{4}-\d{6}-[A-Z]", number)
    mail_with(applicant.email, number, wait_for)


def test_an_applicant_adds_a_document_then_withdraws_from_the_status_page(page, stack, wait_for, audit):
    """Self-service on the status page: a flagged applicant adds their NTN certificate (the reviewer's case gets
    it), then withdraws after a confirmation page, and the CNIC is free again."""
    applicant = apply_in_browser(page, stack, new_applicant(province="Sindh", city="Karachi"))
    status_in_browser(page, stack, applicant, "in review", wait_for)
    page.select_option("#kind", "ntn_certificate")
    page.set_input_files("#document", files=[{"name": "ntn.pdf", "mimeType": "application/pdf",
                                              "buffer": b"%PDF-1.4\n% NTN certificate\n%%EOF\n"}])
    page.click("#upload-document")
    assert page.locator("#document-uploaded").count() == 1 and "NTN certificate" in page.inner_text("#documents")
    audit.check(page, "details-document-added")
    page.click("#withdraw-application")
    audit.check(page, "withdraw-confirm")
    page.click("#confirm-withdrawal")
    assert page.get_attribute("#status", "data-status") == "withdrawn" and page.locator("#withdrawn").count() == 1
    assert page.locator("#upload-form, #withdraw-form").count() == 0
    again = apply_in_browser(page, stack, dataclasses.replace(applicant, application_id="", access_code=""))
    assert again.application_id != applicant.application_id  # the CNIC was freed


def test_an_approval_over_a_blocklist_finding_waits_for_a_second_reviewer(page, browser, stack, wait_for, audit):
    """Four eyes: a reviewer's approval of an applicant whose email domain is on the board's blocklist
    (deploy/local/blocklist.txt) only asks; the applicant stays in review until an admin confirms it."""
    applicant = apply_in_browser(page, stack, new_applicant(email=f"amir.{uuid.uuid4().hex[:8]}@blocklisted.example"))
    status_in_browser(page, stack, applicant, "in review", wait_for)
    reviewer, admin = create_reviewer("reviewer"), create_reviewer("admin")
    sign_in_to_console(page, stack, reviewer)
    page.goto(stack.url("verification", f"/console?state=pending&q={applicant.application_id}"))
    page.click(f"a:has-text('{applicant.full_name}')")
    assert "Blocklist" in page.inner_text("#checks")
    case_url = page.url
    page.fill("#reason", "Listed by mistake: the board cleared this address")
    page.click("button:has-text('Approve')")
    page.wait_for_load_state()
    assert page.get_attribute("#state", "data-state") == "in_review"
    assert page.get_attribute("#second-reviewer", "data-requested-by") == reviewer
    assert page.locator("button[value=approve]").count() == 0  # asked once; a rejection stays possible
    audit.check(page, "console-case-approval-asked")

    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_to_console(other, stack, admin)
    other.goto(stack.url("verification", "/console/second-admin"))
    other.click(f"#second-admin a:has-text('{applicant.full_name}')")
    assert other.url.split("?")[0] == case_url.split("?")[0]
    other.click("#confirm-approval")
    other.wait_for_load_state()
    assert other.get_attribute("#state", "data-state") == "awaiting_payment"
    assert f"reviewer:{admin} — approved in principle" in other.inner_text("#audit")
    other.context.close()
    voucher_on_the_status_page(page, stack, applicant, wait_for)


def test_two_admins_revoke_a_registration_in_the_console_and_the_public_verify_page_says_so(
        page, stack, bank, wait_for, audit):
    applicant = apply_in_browser(page, stack, new_applicant())
    bank.pay_and_wait(applicant.application_id)
    status_in_browser(page, stack, applicant, "approved", wait_for)
    number = page.inner_text("#registration-number").strip()

    first, second = create_reviewer("admin"), create_reviewer("admin")
    sign_in_to_console(page, stack, first)
    page.click("a[href$='state=decided']")
    page.fill("#q", applicant.full_name)
    page.click("button:has-text('Find')")
    page.click(f"a:has-text('{applicant.full_name}')")
    case_url = page.url
    page.fill("#board-reason", "The export remittance certificates were forged")
    page.click("#request-board-action")
    page.wait_for_load_state()
    assert "A revocation waits for a second admin" in page.inner_text("#board-action")
    assert page.locator("#confirm-board-action").count() == 0  # the one who asked cannot confirm
    assert page.get_attribute("#state", "data-state") == "approved"
    audit.check(page, "console-case-revocation-asked")
    page.click("button:has-text('Sign out')")

    sign_in_to_console(page, stack, second)
    page.click("a[href$='/console/second-admin']")
    assert applicant.full_name in page.inner_text("#second-admin")
    audit.check(page, "console-second-admin")
    page.click(f"#second-admin a:has-text('{applicant.full_name}')")
    assert page.url == case_url
    page.click("#confirm-board-action")
    page.wait_for_load_state()
    assert page.get_attribute("#state", "data-state") == "revoked"
    audit_log = page.inner_text("#audit")
    assert f"reviewer:{first} — revocation requested" in audit_log
    assert f"reviewer:{second} — revocation confirmed" in audit_log

    def verdict():
        page.goto(stack.url("directory", f"/verify/{number}"))
        return page.get_attribute("#verdict", "data-status") == "revoked"
    wait_for(verdict, timeout=30, interval=1, message="the verify page to say revoked")
    assert "Revoked on" in page.inner_text("#verdict") and "forged" not in page.content()
    status_in_browser(page, stack, applicant, "revoked", wait_for)
    assert "forged" in page.inner_text("#reasons")
    mail_with(applicant.email, "has been revoked", wait_for)


PRC_PDF = b"%PDF-1.4\n% proceeds realisation certificate, purpose code 9186\n%%EOF\n"


def test_registrant_is_reminded_then_renews_with_a_prc_and_keeps_the_number(page, stack, bank, wait_for):
    # registered under a 3-minute validity with a reminder 20 seconds after the issue (settings tests shorten);
    # the renewal comes well before the expiry, so the page still says approved
    with redeployed(stack, "verification:verification-worker", "verification.entrypoints.worker",
                    REGISTRATION_VALIDITY_DAYS=str(180 / 86_400), EXPIRY_REMINDER_DAYS=str(160 / 86_400)):
        applicant = apply_in_browser(page, stack, new_applicant())
        first_voucher = bank.pay_and_wait(applicant.application_id)["voucher_number"]
        status_in_browser(page, stack, applicant, "approved", wait_for)
    number = page.inner_text("#registration-number").strip()
    old_valid_until = page.get_attribute("#valid-until", "datetime")
    mail_with(applicant.email, f"{number} expires on", wait_for)  # the reminder

    status_in_browser(page, stack, applicant, "approved", wait_for)
    assert "Renew your registration" in page.inner_text("#renewal")
    page.click("#renewal-form button")  # nothing attached: the page answers with what is missing
    page.wait_for_load_state()
    assert page.locator("#renewal-error-prc").count() == 1
    assert page.locator("#renewal-error-confirm_profile").count() == 1
    page.set_input_files("#prc", files=[{"name": "prc.pdf", "mimeType": "application/pdf", "buffer": PRC_PDF}])
    page.check("#confirm_profile")
    page.click("#renewal-form button")
    page.wait_for_load_state()
    assert page.get_attribute("#status", "data-status") == "renewal_requested"
    assert page.locator("#renewal-sent").count() == 1

    def renewal_voucher():
        response = httpx.get(stack.url("intake", f"/api/v1/applications/{applicant.application_id}"),
                             headers={"Authorization": f"Bearer {applicant.access_code}"}, timeout=10)
        voucher = response.json().get("voucher") or {}
        return voucher.get("number") not in (None, first_voucher) and voucher["number"]
    voucher_number = wait_for(renewal_voucher, timeout=60, message="the renewal voucher")
    mail_with(applicant.email, "Renewal accepted", wait_for)
    pay_at_the_bank(page, voucher_number)

    wait_for(lambda: httpx.get(stack.url("intake", f"/api/v1/applications/{applicant.application_id}"),
                               headers={"Authorization": f"Bearer {applicant.access_code}"}, timeout=10)
             .json()["timeline"][-1]["note"] == "Renewed", timeout=60, message="the renewal")
    status_in_browser(page, stack, applicant, "approved", wait_for)
    assert page.inner_text("#registration-number").strip() == number
    new_valid_until = page.get_attribute("#valid-until", "datetime")
    assert new_valid_until > old_valid_until and "Renewed" in page.inner_text("#timeline")
    renewed = mail_with(applicant.email, "is renewed until", wait_for)
    pdf = parts(renewed)["application/pdf"].get_content()
    [qr] = zxingcpp.read_barcodes(pypdfium2.PdfDocument(io.BytesIO(pdf))[0].render(scale=2).to_pil())
    page.goto(qr.text)
    assert page.get_attribute("#verdict", "data-status") == "valid"
    assert page.get_attribute("#valid-until", "datetime") == new_valid_until


def test_rejected_applicant_sees_the_reasons_on_the_status_page(page, stack, wait_for):
    applicant = apply_in_browser(page, stack, new_applicant(email=f"sana.{uuid.uuid4().hex[:8]}@mailinator.com"))
    status_in_browser(page, stack, applicant, "rejected", wait_for)
    reasons = page.inner_text("#reasons")
    assert "email" in reasons.lower() and "disposable" in reasons.lower(), reasons
    messages = wait_for(lambda: len(m := mails_to(applicant.email)) >= 2 and m, timeout=60,
                        message="the receipt and the decision")
    decision = next(m for m in messages if "received" not in m["Subject"])
    assert "disposable" in parts(decision)["text/plain"].get_content().lower()


def test_an_applicant_who_lost_the_code_signs_in_sends_what_was_asked_and_downloads_the_certificate(
        page, browser, stack, wait_for, audit):
    """A reviewer asks for a sharper CNIC front; the applicant, without their access code, signs in with a one-time
    code from their email, sees the request on their dashboard and uploads the document; the case comes back to
    the reviewer with the request as context, is approved and paid, and the applicant downloads the certificate."""
    applicant = apply_in_browser(page, stack, new_applicant(province="Sindh", city="Karachi"))
    status_in_browser(page, stack, applicant, "in review", wait_for)

    console = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_to_console(console, stack, create_reviewer("reviewer"))
    case_url = stack.url("verification", f"/console/cases/{applicant.application_id}")
    console.goto(case_url)
    console.click("#ask-for-more summary")
    console.fill("#information-message", "The number on your CNIC's front is not readable: upload a sharper photo.")
    console.check("#information-documents")  # the first document: the CNIC's front
    console.click("#send-information-request")
    console.wait_for_load_state()
    assert console.get_attribute("#state", "data-state") == "awaiting_applicant"
    assert console.get_attribute("#information-request", "data-answered") == "no"
    mail_with(applicant.email, "needs more from you", wait_for)

    page.context.clear_cookies()  # a new visit: the applicant has lost the access code
    page.goto(stack.url("intake", "/status"))
    page.click("#lost-code a")
    audit.check(page, "sign-in")
    page.fill("#address", applicant.email)
    page.click("#send-code")
    audit.check(page, "sign-in-code")
    code = re.search(r"\d{6}", mail_with(applicant.email, "sign-in code", wait_for)["Subject"]).group(0)
    page.fill("#code", code)
    page.click("#sign-in")
    assert page.locator(f"#my-applications tr[data-application-id='{applicant.application_id}']").count() == 1
    audit.check(page, "my-applications")
    page.click(f"#my-applications a:has-text('{applicant.application_id}')")
    assert "not readable" in page.inner_text("#information-message")
    assert page.get_attribute("#information-documents li", "data-outstanding") == "yes"
    audit.check(page, "dashboard-information-request")
    assert page.input_value("#kind") == "cnic_front"  # the upload form offers what was asked
    page.set_input_files("#document", files=[{"name": "cnic-front.png", "mimeType": "image/png", "buffer": PNG}])
    page.click("#upload-document")
    assert page.locator("#document-uploaded").count() == 1 and page.locator("#information-request").count() == 0

    def back_in_review():
        console.reload()
        return console.get_attribute("#state", "data-state") == "in_review"
    wait_for(back_in_review, timeout=60, interval=1, message="the case back in the queue")
    assert console.locator("#information-answered").count() == 1 and "not readable" in console.inner_text(
        "#information-request-message")
    console.click("#claim-case")
    console.fill("#reason", "The new photo is readable")
    console.click("button:has-text('Approve')")
    console.wait_for_load_state()
    assert console.get_attribute("#state", "data-state") == "awaiting_payment"
    console.context.close()

    dashboard = stack.url("intake", f"/my-applications/{applicant.application_id}")

    def shows(selector: str):
        page.goto(dashboard)
        return page.locator(selector).count() == 1
    wait_for(lambda: shows("#voucher-number"), timeout=60, interval=1, message="the voucher on the dashboard")
    voucher_number = page.inner_text("#voucher-number").strip()
    pay_at_the_bank(page, voucher_number)
    wait_for(lambda: shows("#download-certificate"), timeout=60, interval=1, message="registered")
    number = page.inner_text("#registration-number").strip()
    with page.expect_download() as download:
        page.click("#download-certificate")
    pdf = pypdfium2.PdfDocument(download.value.path())
    text = pdf[0].get_textpage().get_text_range()
    assert number in text and applicant.full_name in text
