"""Everything the local SMTP and SMS sinks received, read once and grouped by recipient
(support.mail reads per address, which is too slow for an audit of hundreds of applicants)."""
import collections
import json
from email import policy
from email.parser import BytesHeaderParser

from support.mail import LOCAL


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


