"""The registration certificate: one A4 page, in English and Urdu, with the essentials and a QR code to its
verification page.

pdf_templates/certificate.html and .css lay it out; documentkit.pdf renders it with WeasyPrint, so a name
in Urdu script is shaped, joined and right to left.
"""
import zxingcpp

from documentkit.barcode_image import png_data_uri
from documentkit.pdf import render_pdf

MAX_SKILLS_CHARACTERS = 300  # a longer list is cut, so the page stays one page


def render_certificate(full_name: str, registration_number: str, skills: list[str], issued_on: str,
                       valid_until: str, verify_url: str, benefit: tuple[str, str] | None = None) -> bytes:
    """The certificate as a one-page PDF; `benefit` (English, Urdu): what the registration is worth, in a sentence
    each (domainkit.benefit)."""
    listed = ", ".join(skills)
    if len(listed) > MAX_SKILLS_CHARACTERS:
        listed = listed[:MAX_SKILLS_CHARACTERS - 1].rstrip(", ") + "…"
    return render_pdf("certificate.html", "certificate.css", full_name=full_name,
                      registration_number=registration_number, skills=listed, issued_on=issued_on,
                      valid_until=valid_until, verify_url=verify_url, qr_code=qr_image(verify_url), benefit=benefit)


def qr_image(value: str, border: int = 4) -> str:
    """The QR code of `value` as a PNG data URI, 8 × 8 pixels a module, `border` light modules around it.

    zxing-cpp encodes it (C++, about 0.6 ms); reportlab's pure-Python encoder took 13.5 ms."""
    return png_data_uri(qr_modules(value), border, scale=8)


def qr_modules(value: str) -> list[list[bool]]:
    """The modules of `value`'s QR code (error correction M, no quiet zone), row by row, True where dark."""
    code = zxingcpp.create_barcode(value, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))  # one byte per module, 0 = dark
    return [[level == 0 for level in row] for row in image.tolist()]
