"""SmtpSender against a scripted SMTP server on a local socket: where the session stops decides
the outcome — before the message is handed over it is transient or permanent by the reply code;
after it, without the server's answer, uncertain; once accepted it is sent, whatever QUIT does.
And the Message-ID is derived from the delivery's id alone, the same on every try."""
import email
import email.policy
import socket
import socketserver
import threading

import pytest

from notification.adapters.email import SmtpSender, message_id
from notification.domain.messages import PermanentFailure, TransientFailure, UncertainFailure

HANG, CLOSE = "hang", "close"  # answer nothing until the client goes / drop the connection


class ScriptedSmtp(socketserver.ThreadingTCPServer):
    """Answers each command as `script` says ({"MAIL"|"RCPT"|"DATA"|"END"|"QUIT": reply, HANG or
    CLOSE}; "END" is the answer to the message itself; "AFTER_END": CLOSE drops the session once
    the message is answered), "250 ok" by default; keeps every message it read to the end
    (`messages`), whatever it then answered, and counts the sessions it was asked to open."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, **script):
        self.script, self.messages, self.sessions = script, [], 0
        super().__init__(("127.0.0.1", 0), _Session)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class _Session(socketserver.StreamRequestHandler):
    def answer(self, command: str, default: str = "250 ok") -> bool:
        """Reply as scripted; False when the session ends here."""
        reply = self.server.script.get(command, default)
        if reply == HANG:
            while self.rfile.readline():  # until the client gives up and closes
                pass
            return False
        if reply == CLOSE:
            return False
        self.wfile.write(reply.encode() + b"\r\n")
        return True

    def handle(self):
        self.server.sessions += 1
        self.wfile.write(b"220 scripted ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.decode().strip().split(" ", 1)[0].upper()
            if command in ("EHLO", "HELO"):
                self.wfile.write(b"250-scripted\r\n250-SIZE 10000000\r\n250 8BITMIME\r\n")
            elif command in ("MAIL", "RCPT"):
                if not self.answer(command):
                    return
            elif command == "DATA":
                if not self.answer("DATA", "354 go ahead"):
                    return
                if self.server.script.get("DATA", "354").startswith("354"):
                    lines = []
                    while (body := self.rfile.readline()) not in (b".\r\n", b""):
                        lines.append(body[1:] if body.startswith(b"..") else body)
                    self.server.messages.append(email.message_from_bytes(b"".join(lines), policy=email.policy.SMTP))
                    if not self.answer("END", "250 queued") or self.server.script.get("AFTER_END") == CLOSE:
                        return
            elif command == "QUIT":
                self.answer("QUIT", "221 bye")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


_senders: list[SmtpSender] = []


@pytest.fixture(autouse=True)
def close_senders():
    """Each test's senders end their kept sessions when it ends."""
    yield
    while _senders:
        _senders.pop().close()


def new_sender(port: int) -> SmtpSender:
    sender = SmtpSender("127.0.0.1", port, mail_from="Registry <no-reply@registry.example.pk>", timeout=0.5)
    _senders.append(sender)
    return sender


def send(server: ScriptedSmtp | None, key: str = "ev1:email", text: str = "Hello", port: int | None = None,
         sender: SmtpSender | None = None) -> str:
    """Send one message with `sender`, or with a sender of its own that ends its session right after."""
    own = sender is None
    sender = sender or new_sender(port or server.port)
    try:
        return sender.send("ayesha@example.pk", "Subject", text, "<p>Hello</p>", "en", key,
                           [("certificate.pdf", "application/pdf", b"%PDF-1.4")])
    finally:
        if own:
            sender.close()


def test_an_accepted_message_is_sent_once_with_a_message_id_from_the_delivery_id():
    with ScriptedSmtp() as server:
        assert send(server) == "<ev1.email@registry.example.pk>"
        assert send(server) == "<ev1.email@registry.example.pk>"  # the same on every try
        [first, second] = server.messages
        assert first["Message-ID"] == second["Message-ID"] == "<ev1.email@registry.example.pk>"
        assert first["To"] == "ayesha@example.pk"
        assert [p.get_filename() for p in first.iter_attachments()] == ["certificate.pdf"]


def test_a_line_starting_with_a_dot_arrives_whole():
    with ScriptedSmtp() as server:
        send(server, text="first\n.second\n..third")
        body = server.messages[0].get_body(("plain",)).get_content()
        assert body.splitlines() == ["first", ".second", "..third"]


@pytest.mark.parametrize("end", [HANG, CLOSE])
def test_no_answer_to_the_handed_over_message_is_uncertain(end):
    with ScriptedSmtp(END=end) as server:
        with pytest.raises(UncertainFailure, match="may have taken"):
            send(server)
        assert len(server.messages) == 1  # the server did get it


@pytest.mark.parametrize("quit_reply", ["421 4.3.0 closing", "500 what", HANG, CLOSE])
def test_once_accepted_a_failing_quit_does_not_matter(quit_reply):
    with ScriptedSmtp(QUIT=quit_reply) as server:
        sender = new_sender(server.port)
        sender.REUSE_MESSAGES = 1  # the session ends (QUIT) right after the message
        assert send(server, sender=sender) == "<ev1.email@registry.example.pk>"
        assert len(server.messages) == 1


def test_one_session_carries_the_next_messages():
    with ScriptedSmtp() as server:
        sender = new_sender(server.port)
        for n in range(3):
            send(server, key=f"ev{n}:email", sender=sender)
        assert [m["Message-ID"] for m in server.messages] == [f"<ev{n}.email@registry.example.pk>" for n in range(3)]
        assert server.sessions == 1


def test_a_session_is_not_kept_past_its_idle_time_or_message_count():
    with ScriptedSmtp() as server:
        sender = new_sender(server.port)
        sender.REUSE_IDLE_SECONDS = 0
        send(server, key="ev1:email", sender=sender)
        send(server, key="ev2:email", sender=sender)
        assert server.sessions == 2
    with ScriptedSmtp() as server:
        sender = new_sender(server.port)
        sender.REUSE_MESSAGES = 2
        for n in range(5):
            send(server, key=f"ev{n}:email", sender=sender)
        assert (len(server.messages), server.sessions) == (5, 3)


def test_a_kept_session_the_server_closed_is_replaced_and_the_message_sent_once():
    with ScriptedSmtp(AFTER_END=CLOSE) as server:
        sender = new_sender(server.port)
        send(server, key="ev1:email", sender=sender)
        send(server, key="ev2:email", sender=sender)  # the kept session is gone: tried again on a new one
        assert [m["Message-ID"] for m in server.messages] == ["<ev1.email@registry.example.pk>",
                                                              "<ev2.email@registry.example.pk>"]
        assert server.sessions == 2


def test_a_new_session_that_fails_is_not_tried_again():
    with ScriptedSmtp(MAIL="421 4.3.0 going down") as server:
        with pytest.raises(TransientFailure):
            send(server)
        assert server.sessions == 1


def test_a_session_ends_after_an_uncertain_send():
    with ScriptedSmtp(END=HANG) as server:
        sender = new_sender(server.port)
        with pytest.raises(UncertainFailure):
            send(server, key="ev1:email", sender=sender)
        server.script.pop("END")
        send(server, key="ev2:email", sender=sender)
        assert server.sessions == 2


@pytest.mark.parametrize("script, failure", [
    ({"END": "451 4.3.0 try later"}, TransientFailure),  # the server said it did not take it
    ({"END": "552 5.3.4 too big"}, PermanentFailure),
    ({"DATA": "451 4.3.0 not now"}, TransientFailure),  # refused before the message
    ({"DATA": CLOSE}, TransientFailure),  # dropped before the message was handed over
    ({"DATA": HANG}, TransientFailure),
    ({"RCPT": "550 5.1.1 no such user"}, PermanentFailure),
    ({"RCPT": "450 4.2.1 mailbox busy"}, TransientFailure),
    ({"MAIL": "451 4.3.0 busy"}, TransientFailure),
    ({"MAIL": "421 4.3.0 going down"}, TransientFailure),
    ({"RCPT": CLOSE}, TransientFailure),
])
def test_failures_before_acceptance_are_transient_or_permanent_by_their_code(script, failure):
    with ScriptedSmtp(**script) as server:
        with pytest.raises(failure):
            send(server)


def test_no_server_is_transient():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: refused
        with pytest.raises(TransientFailure):
            send(None, port=port)


def test_message_ids_are_valid_deterministic_and_distinct():
    keys = ["0f3a:email", "0f3a:email:resend-2", "0f3a.email", "a b=c", "::x", "x:", "ü:sms", "0f3a=2Eemail"]
    ids = [message_id(k) for k in keys]
    assert ids[:2] == ["<0f3a.email@registry.example.pk>", "<0f3a.email.resend-2@registry.example.pk>"]
    assert len(set(ids)) == len(ids) and ids == [message_id(k) for k in keys]
    for value in ids:
        header = email.policy.default.header_factory("Message-ID", value)
        assert not header.defects and str(header) == value and value.isascii()
