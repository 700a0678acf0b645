import io

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from documentkit.certificate import render_certificate
from domainkit.benefit import TaxBenefit
from documentkit.voucher import render_voucher
from notification.domain.messages import LANGUAGES, TEMPLATES
from notification.service_layer.notify import mask
from notification.service_layer.templates import SAMPLE, render


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_renders_every_part(template, language):
    parts = render(template, language, SAMPLE)
    assert all(parts[p] for p in ("subject", "text", "html", "sms"))
    assert ('dir="rtl"' in parts["html"]) == (language == "ur")
    assert "<" not in parts["text"] and "<" not in parts["subject"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reinstatement_says_whether_it_is_in_force_or_expired_meanwhile(language):
    in_force = render("reinstated", language, {**SAMPLE, "status": "approved"})
    expired = render("reinstated", language, {**SAMPLE, "status": "expired"})
    assert in_force["text"] != expired["text"] and "2027-11-29" in expired["sms"]
    revoked = render("revoked", language, SAMPLE)
    assert "2027-03-02" in revoked["text"] and SAMPLE["reasons"][0] in revoked["text"]


def test_html_is_escaped_and_text_is_not():
    parts = render("rejected", "en", {**SAMPLE, "reasons": ["<b>Tom & Jerry</b>"]})
    assert "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;" in parts["html"]
    assert "<b>Tom & Jerry</b>" in parts["text"]


def test_a_missing_value_is_an_error_not_a_blank():
    with pytest.raises(Exception, match="registration_number"):
        render("approved", "en", {k: v for k, v in SAMPLE.items() if k != "registration_number"})


def test_certificate_is_one_page_with_a_qr_code_to_the_verify_url():
    pdf = render_certificate("Ayesha Khan", "PSEB-2026-000123-K", ["Python"], "2026-11-29", "2027-11-29",
                             "http://127.0.0.1:8004/verify/PSEB-2026-000123-K")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1 and "PSEB-2026-000123-K" in reader.pages[0].extract_text()
    [qr] = zxingcpp.read_barcodes(pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil())
    assert qr.text == "http://127.0.0.1:8004/verify/PSEB-2026-000123-K"


def test_addresses_are_masked_in_the_log():
    assert mask("ayesha@example.pk") == "a***@example.pk"
    assert mask("+923001234567") == "+9230*****67"


def test_the_voucher_is_one_page_with_the_number_grouped_and_as_a_barcode():
    pdf = render_voucher("Ayesha Khan", "7711000000000013", 1000, "2026-12-15", "k3j9x2m4p7q8r5t6")
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert all(part in text for part in ("7711 0000 0000 0013", "Ayesha Khan", "Rs 1,000", "2026-12-15"))
    [barcode] = zxingcpp.read_barcodes(pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil())
    assert barcode.format == zxingcpp.BarcodeFormat.Code128 and barcode.text == "7711000000000013"


def test_an_urdu_message_says_verifications_reasons_and_the_skills_in_urdu():
    """The reasons arrive as English sentences (domainkit.reasons) and skills as slugs: the context says
    both in the reader's language, so an Urdu email has no English inside its Urdu text."""
    from domainkit.reasons import reason
    from notification.service_layer.notify import message_context

    class Deps:
        intake_public_url, directory_public_url = "http://intake", "http://directory"
        tax_benefit = TaxBenefit()
    envelope = {"key": "abc", "payload": {"reasons": [reason("cnic_province")], "profile": {"skills": ["python"]}}}
    urdu = message_context(Deps, envelope, {"full_name": "عائشہ", "language": "ur"})
    assert urdu["reasons"] == ["آپ کا شناختی کارڈ اس صوبے کے بجائے کسی اور صوبے سے جاری ہوا جو آپ نے لکھا؛ "
                               "جانچ کنندہ آپ کی تفصیلات کی تصدیق کرے گا۔"]
    assert urdu["skills"] == ["پائتھن"]
    assert "ودہولڈنگ" in urdu["benefit"] and "0.25%" in urdu["benefit"]  # what the registration is worth
    english = message_context(Deps, envelope, {"full_name": "Aisha", "language": "en"})
    assert english["reasons"] == [reason("cnic_province")] and english["skills"] == ["Python"]
