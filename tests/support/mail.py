"""What the local SMTP and SMS sinks received (.local/mail/*.eml, .local/sms/*.json)."""
import email
import json
from email import policy
from pathlib import Path

LOCAL = Path(__file__).resolve().parents[2] / ".local"


def mails_to(address: str) -> list:
    """Every message the SMTP sink kept for `address`, oldest first."""
    found = []
    for path in sorted((LOCAL / "mail").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["X-Envelope-To"] == address:
            found.append(message)
    return found


def parts(message) -> dict:
    """content type -> part, for the leaf parts of a message."""
    return {p.get_content_type(): p for p in message.walk() if not p.is_multipart()}


def sms_to(mobile: str) -> list[dict]:
    """Messages the SMS sink kept for a mobile number written as on the form (03XX-XXXXXXX)."""
    e164 = "+92" + mobile.replace("-", "")[1:]
    found = [json.loads(p.read_text()) for p in sorted((LOCAL / "sms").glob("*.json"))]
    return [m for m in found if m["to"] == e164]
