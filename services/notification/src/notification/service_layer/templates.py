"""Rendering a message from its Jinja2 template: one file per message and language
(templates/<language>/<message>.j2) with blocks `subject`, `text`, `html` and `sms`; the
language's _layout.j2 prints the one block asked for in `part`. HTML is autoescaped; the
plain-text parts are not."""
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_text = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False, undefined=StrictUndefined)
_html = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined)
PARTS = ("subject", "text", "html", "sms")


def render(message: str, language: str, context: dict) -> dict[str, str]:
    """{subject, text, html, sms} of `message` in `language` (English when that language has no template)."""
    name = f"{language}/{message}.j2"
    if not (TEMPLATES / name).exists():
        name = f"en/{message}.j2"
    rendered = {}
    for part in PARTS:
        env = _html if part == "html" else _text
        rendered[part] = env.get_template(name).render(context, part=part).strip()
    return rendered


SAMPLE = {
    "full_name": "Ayesha Khan", "application_id": "k3j9x2m4p7q8r5t6",
    "status_url": "http://127.0.0.1:8001/status?application_id=k3j9x2m4p7q8r5t6",
    "apply_url": "http://127.0.0.1:8001/", "reasons": ["Your CNIC was issued in a different province."],
    "registration_number": "PSEB-2026-000123-W", "valid_until": "2027-11-29",
    "verify_url": "http://127.0.0.1:8004/verify/PSEB-2026-000123-W",
    "voucher_number": "7711000000000013", "amount": 1000, "due_date": "2026-12-15",
    "revoked_on": "2027-03-02", "status": "approved", "code": "042917",
    "sign_in_url": "http://127.0.0.1:8001/sign-in",
    "message": "Upload a sharper photo of the front of your CNIC.", "respond_by": "2026-12-16T09:30:00+00:00",
    "documents": ["CNIC — front"], "fields_asked": True,
    "benefit": "A registered freelancer's IT export remittances have income tax withheld at 0.25% instead of 1%.",
}
