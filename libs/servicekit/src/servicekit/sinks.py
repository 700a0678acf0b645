"""Where the local message sinks (the SMTP sink and the file SMS sink) keep what they receive.

Each recipient has a folder of their own: `<sink dir>/<mailbox>/<UTC time>-<id>.<ext>`. A
developer's stack keeps every message it ever sent (hundreds of thousands after a few
benchmarks), so whoever looks for one person's messages reads that person's folder only.
"""
import re

_UNSAFE = re.compile(r"[^a-z0-9@._+-]")


def mailbox_folder(recipient: str) -> str:
    """The folder name for an email address or an E.164 number: lower-case, and anything that is
    not safe in a file name (or could climb out of the sink's directory) replaced by `_`."""
    name = _UNSAFE.sub("_", recipient.strip().strip("<>").lower())
    return "_" + name if name.startswith(".") or not name else name
