"""An SMTP server of a test's own that refuses for a while: it answers the first `refuse`
messages' DATA with `code` (451 by default, "try again later"), then accepts and keeps them.
It can also misbehave after taking a message: `stall_after_data` seconds before answering it
(a client with a shorter timeout never hears that it was taken), or `quit_reply` instead of
221 to QUIT. For driving notification's retry path without touching the local stack's SMTP sink."""
import asyncio
import email
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FlakySmtpServer:
    def __init__(self, refuse: int = 0, code: str = "451 4.3.0 Try again later", stall_after_data: float = 0,
                 quit_reply: str | None = None):
        self.refuse, self.code = refuse, code
        self.stall_after_data, self.quit_reply = stall_after_data, quit_reply
        self.refused = 0
        self.messages: list = []
        self._lock = threading.Lock()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.refused < self.refuse:
                self.refused += 1
                return self.code
            self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        if self.stall_after_data:
            await asyncio.sleep(self.stall_after_data)
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        return self.quit_reply or "221 Bye"

    def message_ids(self) -> list[str]:
        with self._lock:
            return [m["Message-ID"] for m in self.messages]

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self._controller.stop()
