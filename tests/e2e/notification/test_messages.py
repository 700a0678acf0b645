"""Each event tells the applicant the right thing, by email and SMS, in English or Urdu."""
import io
import json
import uuid

import httpx
import pypdfium2
import zxingcpp
from pypdf import PdfReader

from support.mail import mails_to, parts, sms_to


def test_receipt_voucher_then_registration_with_a_certificate_whose_qr_opens_the_verify_page(
        apply, wait_for, stack, bank):
    application_id, data = apply()  # a clean application: approved in principle automatically
    bank.pay_for(application_id)
    messages = wait_for(lambda: len(m := mails_to(data["email"])) >= 3 and m, message="receipt, voucher, registration")
    by_kind = {("registered" in m["Subject"], "in principle" in m["Subject"]): m for m in messages}
    receipt, voucher, approval = by_kind[False, False], by_kind[False, True], by_kind[True, False]
    assert application_id in receipt["Subject"] and application_id in voucher["Subject"]
    assert len(PdfReader(io.BytesIO(parts(voucher)["application/pdf"].get_content())).pages) == 1
    text = parts(receipt)["text/plain"].get_content()
    assert f"status?application_id={application_id}" in text and data["full_name"] in text
    assert "text/html" in parts(receipt)

    number = approval["Subject"].rsplit(" ", 1)[-1]
    assert number.startswith("PSEB-")
    pdf = parts(approval)["application/pdf"].get_content()
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil()
    [qr] = zxingcpp.read_barcodes(image)
    assert qr.text == f"{stack.url('directory')}/verify/{number}"
    assert any(number in m["text"] for m in sms_to(data["mobile"]))


def test_urdu_messages_are_right_to_left_with_a_plain_text_part(apply, wait_for):
    application_id, data = apply(language="ur", province="Sindh", city="Karachi")  # flagged: CNIC from Punjab
    messages = wait_for(lambda: len(m := mails_to(data["email"])) >= 2 and m, message="receipt and request")
    subjects = [m["Subject"] for m in messages]
    assert any("موصول" in s for s in subjects) and any("جائزہ کار" in s for s in subjects)
    for message in messages:
        html = parts(message)["text/html"].get_content()
        assert 'dir="rtl"' in html and 'lang="ur"' in html and 'charset="utf-8"' in html
        assert "محترم" in parts(message)["text/plain"].get_content()
    assert any("فری لانسر رجسٹری" in m["text"] for m in sms_to(data["mobile"]))


def test_request_for_action_lists_the_reasons(apply, wait_for):
    application_id, data = apply(gender="male")  # the CNIC says female: flagged
    messages = wait_for(lambda: len(m := mails_to(data["email"])) >= 2 and m, message="receipt and request")
    request = next(m for m in messages if "reviewer" in m["Subject"])
    assert "gender" in parts(request)["text/plain"].get_content()


def test_rejection_gives_the_reasons_and_how_to_reapply(apply, wait_for, stack):
    application_id, data = apply(email=f"someone.{uuid.uuid4().hex[:8]}@mailinator.com")  # disposable: rejected
    messages = wait_for(lambda: len(m := mails_to(data["email"])) >= 2 and m, message="receipt and rejection")
    rejection = next(m for m in messages if "not approved" in m["Subject"])
    text = parts(rejection)["text/plain"].get_content()
    assert "permanent email address" in text and f"{stack.url('intake')}/" in text


def test_operator_sees_the_delivery_log_and_previews_templates(apply, wait_for, stack, operator, bank):
    application_id, data = apply()
    bank.pay_for(application_id)
    url = stack.url("notification", "/api/v1/notifications")
    assert httpx.get(url, params={"application_id": application_id}).status_code == 401
    items = wait_for(lambda: len(i := httpx.get(url, params={"application_id": application_id},
                                                headers=operator).json()["items"]) >= 6
                     and all(x["status"] == "sent" for x in i) and i, message="six deliveries sent")
    assert sorted((i["template"], i["channel"]) for i in items) == [
        ("approved", "email"), ("approved", "sms"), ("fee_due", "email"), ("fee_due", "sms"), ("receipt", "email"),
        ("receipt", "sms")]
    assert all(i["attempts"] == 1 and i["sent_at"] and "***" in i["to"] for i in items)
    assert data["email"] not in json.dumps(items)
    preview = httpx.get(stack.url("notification", "/api/v1/templates/approved/ur/preview"), headers=operator).json()
    assert "PSEB-2026-000123-W" in preview["subject"] and 'dir="rtl"' in preview["html"]
    assert httpx.get(stack.url("notification", "/api/v1/templates/nope/en/preview"),
                     headers=operator).status_code == 404

