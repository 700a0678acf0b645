"""What the local SMTP and SMS sinks received (.local/mail/*.eml, .local/sms/*.json): per address,
or all of it at once grouped by recipient (for an audit of hundreds of applicants)."""
import collections
import email
import json
from email import policy
from email.parser import BytesHeaderParser

from support.local_stack import LOCAL


def mails_to(address: str) -> list:
    """Every message the SMTP sink kept for `address`, oldest first."""
    found = []
    wanted = f"\r\nX-Envelope-To: {address}\r\n".encode()
    for path in sorted((LOCAL / "mail").glob("*.eml")):
        # the sink writes the envelope lines first: read those alone, since the sink may hold
        # thousands of messages and most are someone else's
        with path.open("rb") as file:
            head = file.read(len(wanted) + 1024)
        if wanted in head:
            found.append(email.message_from_bytes(path.read_bytes(), policy=policy.default))
    return found


def parts(message) -> dict:
    """content type -> part, for the leaf parts of a message."""
    return {p.get_content_type(): p for p in message.walk() if not p.is_multipart()}


def sms_to(mobile: str) -> list[dict]:
    """Messages the SMS sink kept for a mobile number written as on the form (03XX-XXXXXXX)."""
    return sms_by_recipient().get("+92" + mobile.replace("-", "")[1:], [])


def emails_by_recipient() -> dict[str, list]:
    """address -> the headers of every message kept for it."""
    found = collections.defaultdict(list)
    parser = BytesHeaderParser(policy=policy.default)
    for path in sorted((LOCAL / "mail").glob("*.eml")):
        headers = parser.parsebytes(path.read_bytes())
        found[headers["X-Envelope-To"]].append(headers)
    return found


def sms_by_recipient() -> dict[str, list[dict]]:
    """E.164 number -> every SMS kept for it."""
    found = collections.defaultdict(list)
    for path in sorted((LOCAL / "sms").glob("*.json")):
        message = json.loads(path.read_text())
        found[message["to"]].append(message)
    return found
