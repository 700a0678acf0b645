"""The fee voucher: one A4 page the applicant can pay from at any bank app or branch (1Bill).

It shows the voucher number large, in groups of four as bank apps ask for it, with a Code 128
barcode of it for a branch's scanner, the amount and the due date, and how to pay. The name on it
is the applicant's, so a teller can confirm whose bill it is: pdf_templates/voucher.html and .css lay it
out and documentkit.pdf renders it with WeasyPrint, so a name in Urdu script is shaped, joined and right
to left.
"""
import zxingcpp

from documentkit.barcode_image import png_data_uri
from documentkit.pdf import render_pdf

HOW_TO_PAY = [
    "Pay in any bank app, internet banking, ATM or branch that offers 1Bill:",
    "choose 1Bill (Invoice / Voucher), enter the voucher number, check the name and amount, and pay.",
    "Pay the exact amount by the due date. After it, the voucher expires and the application lapses.",
]
MAX_NAME_CHARACTERS = 120  # a longer name is cut, so the page stays one page


def grouped(number: str) -> str:
    """7711000000000013 → 7711 0000 0000 0013, as bank apps show it."""
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def render_voucher(payer_name: str, voucher_number: str, amount: int, due_date: str, application_id: str) -> bytes:
    """The voucher as a one-page PDF."""
    return render_pdf("voucher.html", "voucher.css", payer_name=payer_name[:MAX_NAME_CHARACTERS],
                      voucher_number=voucher_number, grouped_number=grouped(voucher_number),
                      barcode=code128_image(voucher_number), amount=f"Rs {amount:,}", due_date=due_date,
                      application_id=application_id, how_to_pay=HOW_TO_PAY)


def code128_image(value: str) -> str:
    """`value`'s Code 128 barcode as a PNG data URI, 4 pixels a module (no quiet zone: the page's margin is it)."""
    return png_data_uri([code128_modules(value)], scale=4)


def code128_modules(value: str) -> list[bool]:
    """The modules of `value`'s Code 128 barcode, left to right, True where a bar is (no quiet zone)."""
    code = zxingcpp.create_barcode(value, zxingcpp.BarcodeFormat.Code128)
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))
    return [level == 0 for level in image.tolist()[0]]
