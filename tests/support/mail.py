"""What the local SMTP and SMS sinks received (.local/mail/<address>/*.eml, .local/sms/<number>/*.json):
for one recipient, or grouped by recipient for an audit of hundreds of applicants. Each recipient
has a folder of their own, so reading one person's messages costs the same however many the stack
has ever sent."""
import collections
import email
import json
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

from servicekit.sinks import mailbox_folder
from support.local_stack import LOCAL


def _files(sink: str, recipient: str, pattern: str) -> list[Path]:
    """The recipient's message files in the sink, oldest first (names start with the UTC time)."""
    return sorted((LOCAL / sink / mailbox_folder(recipient)).glob(pattern))


def mails_to(address: str) -> list:
    """Every message the SMTP sink kept for `address`, oldest first."""
    return [email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in _files("mail", address, "*.eml")]


def parts(message) -> dict:
    """content type -> part, for the leaf parts of a message."""
    return {p.get_content_type(): p for p in message.walk() if not p.is_multipart()}


def sms_to(mobile: str) -> list[dict]:
    """Messages the SMS sink kept for a mobile number written as on the form (03XX-XXXXXXX)."""
    return [json.loads(path.read_text()) for path in _files("sms", "+92" + mobile.replace("-", "")[1:], "*.json")]


def emails_by_recipient(addresses) -> dict[str, list]:
    """address -> the headers of every message kept for it, for each of `addresses`."""
    parser = BytesHeaderParser(policy=policy.default)
    found = collections.defaultdict(list)
    for address in set(addresses):
        found[address] = [parser.parsebytes(path.read_bytes()) for path in _files("mail", address, "*.eml")]
    return found


def sms_by_recipient(numbers) -> dict[str, list[dict]]:
    """E.164 number -> every SMS kept for it, for each of `numbers`."""
    found = collections.defaultdict(list)
    for number in set(numbers):
        found[number] = [json.loads(path.read_text()) for path in _files("sms", number, "*.json")]
    return found
