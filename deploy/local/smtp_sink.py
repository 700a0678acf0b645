"""A real SMTP server for local use that keeps every message it receives as a file.

    python deploy/local/smtp_sink.py --port 1025 --maildir .local/mail

Each message is written atomically, once per recipient, as
<maildir>/<recipient>/<UTC time>-<id>.eml (raw RFC 5322 with the envelope sender and
recipients added as X-Envelope-* headers), so tests and people can read what the system
sent to one person without reading everything it ever sent. It accepts every recipient
except those in the reserved .invalid domain, which it refuses with 550; it never relays.
"""
import argparse
import asyncio
import datetime as dt
import os
import signal
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller

from servicekit.sinks import mailbox_folder


class MaildirHandler:
    def __init__(self, maildir: Path):
        self.maildir = maildir

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # The reserved .invalid domain (RFC 2606) can never receive mail: refuse it for good, as a real MTA would.
        if address.lower().rstrip(">").endswith(".invalid"):
            return "550 5.1.2 Recipient domain does not exist"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        name = f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
        headers = (f"X-Envelope-From: {envelope.mail_from}\r\n"
                   f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n").encode()
        for recipient in envelope.rcpt_tos:
            mailbox = self.maildir / mailbox_folder(recipient)
            mailbox.mkdir(exist_ok=True)
            tmp = mailbox / f".{name}.tmp"
            tmp.write_bytes(headers + envelope.original_content)
            os.replace(tmp, mailbox / name)
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SMTP_PORT", 1025)))
    parser.add_argument("--maildir", type=Path, required=True)
    args = parser.parse_args()
    args.maildir.mkdir(parents=True, exist_ok=True)
    controller = Controller(MaildirHandler(args.maildir), hostname=args.host, port=args.port,
                            data_size_limit=25 * 1024 * 1024)
    controller.start()
    print(f"SMTP sink listening on {args.host}:{args.port}, keeping messages in {args.maildir}", flush=True)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
