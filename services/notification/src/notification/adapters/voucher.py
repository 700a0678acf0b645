"""The fee voucher: one A4 page the applicant can pay from at any bank app or branch (1Bill).

It shows the voucher number large, in groups of four as bank apps ask for it, with a Code 128
barcode of it for a branch's scanner, the amount and the due date, and how to pay. The name on it
is the applicant's, so a teller can confirm whose bill it is.
"""
import io
import itertools

import zxingcpp
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

GREEN = HexColor("#01411c")
HOW_TO_PAY = [
    "Pay in any bank app, internet banking, ATM or branch that offers 1Bill:",
    "choose 1Bill (Invoice / Voucher), enter the voucher number, check the name and amount, and pay.",
    "Pay the exact amount by the due date. After it, the voucher expires and the application lapses.",
]


def grouped(number: str) -> str:
    """7711000000000013 → 7711 0000 0000 0013, as bank apps show it."""
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def render_voucher(payer_name: str, voucher_number: str, amount: int, due_date: str, application_id: str) -> bytes:
    """The voucher as a one-page PDF. (Helvetica, like the certificate: a name in Urdu script does not render
    yet; an embedded Nastaliq/Naskh font for both documents belongs to the pages-and-Urdu work.)"""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"Registration fee voucher {voucher_number}")
    width, height = A4
    pdf.setFillColor(GREEN)
    pdf.rect(0, height - 30 * mm, width, 30 * mm, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(20 * mm, height - 18 * mm, "Registration fee voucher")
    pdf.setFont("Helvetica", 11)
    pdf.drawString(20 * mm, height - 25 * mm, "Pakistan Software Export Board — Freelancer Registry")
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont("Helvetica", 11)
    pdf.drawString(20 * mm, height - 48 * mm, "Voucher number (1Bill)")
    pdf.setFont("Courier-Bold", 26)
    pdf.drawString(20 * mm, height - 60 * mm, grouped(voucher_number))
    draw_code128(pdf, voucher_number, 20 * mm, height - 85 * mm, 110 * mm, 18 * mm)
    details = [("Payer", payer_name[:80]), ("Application", application_id), ("Amount", f"Rs {amount:,}"),
               ("Due date", f"{due_date} (last day to pay)")]
    y = height - 105 * mm
    for label, value in details:
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawString(20 * mm, y, label)
        pdf.setFont("Helvetica", 12)
        pdf.drawString(60 * mm, y, value)
        y -= 10 * mm
    y -= 6 * mm
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(20 * mm, y, "How to pay")
    pdf.setFont("Helvetica", 10)
    for line in HOW_TO_PAY:
        y -= 7 * mm
        pdf.drawString(20 * mm, y, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def draw_code128(pdf: canvas.Canvas, value: str, x: float, y: float, width: float, height: float) -> None:
    """`value` as a Code 128 barcode `width` × `height` with its lower left corner at (x, y), its bars filled
    as one path (zxing-cpp encodes it)."""
    modules = code128_modules(value)
    bar = width / len(modules)
    path = pdf.beginPath()
    column = 0
    for dark, run in itertools.groupby(modules):
        length = len(list(run))
        if dark:
            path.rect(x + column * bar, y, length * bar, height)
        column += length
    pdf.setFillColorRGB(0, 0, 0)
    pdf.drawPath(path, stroke=0, fill=1)


def code128_modules(value: str) -> list[bool]:
    """The modules of `value`'s Code 128 barcode, left to right, True where a bar is (no quiet zone)."""
    code = zxingcpp.create_barcode(value, zxingcpp.BarcodeFormat.Code128)
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))
    return [level == 0 for level in image.tolist()[0]]
