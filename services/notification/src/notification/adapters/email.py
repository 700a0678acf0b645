"""Email over SMTP: a plain-text part, an HTML part, attachments; TLS and login when configured.

An attempt's outcome is decided by where the session stopped:
- before the DATA command was answered with 354 (connect, TLS, login, EHLO, MAIL, RCPT, or a
  refused DATA): the server has not got the message — TransientFailure or PermanentFailure by
  its reply code;
- after the message was handed over: the server's reply to it decides; if no reply came (a
  timeout, a dropped connection) it may have taken the message — UncertainFailure, so it is
  never sent again automatically;
- once the server accepted it (250), it is sent: closing the session (QUIT) cannot undo that,
  and its errors are ignored.
That is why the session's steps are made one by one here rather than through
smtplib's send_message, which does them all and hides where an error struck.

A session is kept open for the next message (for up to `REUSE_MESSAGES` messages while it is used at
least every `REUSE_IDLE_SECONDS`): connecting, greeting and quitting per message was a third of
the SMTP time. A kept session the server has meanwhile closed fails before anything is handed
over, so that message is tried once more on a new session. Any error ends the session.
"""
import re
import smtplib
import ssl
import threading
import time
from email.message import EmailMessage
from email.utils import parseaddr

from notification.domain.messages import PermanentFailure, TransientFailure, UncertainFailure

MESSAGE_ID_DOMAIN = "registry.example.pk"
# What RFC 5322 allows in a Message-ID's left part (dot-atom text) besides the dots between atoms.
_ATEXT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~") - {"="}


def message_id(message_key: str, domain: str = MESSAGE_ID_DOMAIN) -> str:
    """`<message_key@domain>`, the same for every try of one delivery, so a receiving server or mail
    client can recognise a repeat. ':' (the separator in delivery ids "<event id>:<channel>…")
    becomes '.', any other character a Message-ID may not hold becomes =XX per UTF-8 byte, so
    two keys never share a Message-ID."""
    def escaped(char: str) -> str:
        return "".join(f"={byte:02X}" for byte in char.encode())

    left = "".join(c if c in _ATEXT else "." if c == ":" else escaped(c) for c in message_key)
    if "" in left.split("."):  # a leading, trailing or doubled ':' would make an empty atom
        left = "".join(c if c in _ATEXT else escaped(c) for c in message_key)
    return f"<{left}@{domain}>"


class SmtpSender:
    REUSE_IDLE_SECONDS = 30.0  # well inside the five minutes RFC 5321 asks a server to wait for the next command
    REUSE_MESSAGES = 100

    def __init__(self, host: str, port: int, security: str = "none", username: str = "", password: str = "",
                 mail_from: str = "", timeout: float = 10.0):
        self.host, self.port, self.security = host, port, security
        self.username, self.password, self.mail_from, self.timeout = username, password, mail_from, timeout
        self._lock = threading.Lock()
        self._session: smtplib.SMTP | None = None
        self._session_sent = 0
        self._session_used_at = 0.0

    def send(self, to: str, subject: str, text: str, html: str, language: str, message_key: str,
             attachments=()) -> str:
        """Send one message; returns its Message-ID, `message_id(message_key)` — the same on every try
        of one delivery. `attachments`: (filename, content type, bytes) tuples, made by the caller
        before the session starts. Raises TransientFailure, PermanentFailure or UncertainFailure
        (see the module's docstring)."""
        msg = self._message(to, subject, text, html, language, message_key, attachments)
        with self._lock:
            try:
                self._send_on_a_session(msg, to)
            except smtplib.SMTPRecipientsRefused as exc:
                codes = [code for code, _ in exc.recipients.values()]
                if all(500 <= code < 600 for code in codes):
                    raise PermanentFailure(f"recipient refused: {codes}") from exc
                raise TransientFailure(f"recipient deferred: {codes}") from exc
            except smtplib.SMTPResponseException as exc:
                if 500 <= exc.smtp_code < 600 and exc.smtp_code not in (521, 554):
                    raise PermanentFailure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
                raise TransientFailure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            except (OSError, smtplib.SMTPException) as exc:
                raise TransientFailure(f"{type(exc).__name__}: {exc}") from exc
        return msg["Message-ID"]

    def close(self) -> None:
        """End the kept session, if any (QUIT; errors ignored)."""
        with self._lock:
            self._end_session()

    def _send_on_a_session(self, msg: EmailMessage, to: str) -> None:
        """Hand `msg` over on the kept session, or a new one. A kept session that fails before the message
        is handed over (the server closed it while idle: a dropped connection or 421) is replaced and the
        message tried once more on the new one. Any error ends the session; success keeps it."""
        reused = self._kept_session()
        try:
            smtp = reused or self._open_session()
            try:
                self._hand_over(smtp, msg, to)
            except (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException) as exc:
                if not reused or not _closed_by_server(exc):
                    raise
                self._end_session()
                self._hand_over(self._open_session(), msg, to)
        except BaseException:
            self._end_session()
            raise
        self._session_sent += 1
        self._session_used_at = time.monotonic()
        if self._session_sent >= self.REUSE_MESSAGES:
            self._end_session()

    def _kept_session(self) -> smtplib.SMTP | None:
        if self._session is not None and time.monotonic() - self._session_used_at > self.REUSE_IDLE_SECONDS:
            self._end_session()
        return self._session

    def _open_session(self) -> smtplib.SMTP:
        smtp = self._connect()
        self._session, self._session_sent = smtp, 0
        if self.username:
            smtp.login(self.username, self.password)
        return smtp

    def _end_session(self) -> None:
        if self._session is not None:
            _close_quietly(self._session)
            self._session = None

    def _hand_over(self, smtp: smtplib.SMTP, msg: EmailMessage, to: str) -> None:
        """EHLO, MAIL, RCPT, DATA and the message, as smtplib's sendmail does them, but with the
        moment the message is handed over kept apart: an error after it raises UncertainFailure."""
        smtp.ehlo_or_helo_if_needed()
        sender = parseaddr(self.mail_from)[1]
        options = []
        international = not (sender + to).isascii()
        if international:
            if not smtp.has_extn("smtputf8"):
                raise smtplib.SMTPNotSupportedError("a non-ASCII address needs SMTPUTF8, which the server lacks")
            options += ["SMTPUTF8", "BODY=8BITMIME"]
        payload = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n", utf8=international))
        if smtp.does_esmtp and smtp.has_extn("size"):
            options.append(f"SIZE={len(payload)}")
        code, reply = smtp.mail(sender, options)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        code, reply = smtp.rcpt(to)
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({to: (code, reply)})
        code, reply = smtp.docmd("DATA")
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)  # refused before the message: nothing handed over
        try:
            smtp.send(_dot_stuffed(payload))
            code, reply = smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            raise UncertainFailure(f"no answer to the message, which the server may have taken: "
                                   f"{type(exc).__name__}: {exc}") from exc
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)  # the server said it did not take it

    def _message(self, to, subject, text, html, language, message_key, attachments) -> EmailMessage:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.mail_from, to, subject
        msg["Content-Language"] = language
        msg["Message-ID"] = message_id(message_key)
        msg.set_content(text, charset="utf-8")
        msg.add_alternative(html, subtype="html", charset="utf-8")
        for filename, content_type, content in attachments:
            maintype, subtype = content_type.split("/", 1)
            msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
        return msg

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            try:
                smtp.starttls(context=ssl.create_default_context())
            except BaseException:
                smtp.close()
                raise
        return smtp


def _dot_stuffed(payload: bytes) -> bytes:
    """The message as DATA sends it: lines starting with '.' get another, then the closing '.' line."""
    stuffed = re.sub(rb"(?m)^\.", b"..", payload)
    if not stuffed.endswith(b"\r\n"):
        stuffed += b"\r\n"
    return stuffed + b".\r\n"


def _closed_by_server(exc: BaseException) -> bool:
    """Whether an error before the message was handed over means the server ended an idle session."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421
    return isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionError))


def _close_quietly(smtp: smtplib.SMTP) -> None:
    """QUIT and close. The attempt's outcome was settled before this (a message the server accepted
    is sent even if QUIT then fails or times out), so errors here are ignored."""
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        pass
    finally:
        smtp.close()
