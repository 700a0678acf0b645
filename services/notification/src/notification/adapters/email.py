"""Email over SMTP: a plain-text part, an HTML part, attachments; TLS and login when configured."""
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from notification.domain.messages import PermanentFailure, TransientFailure


class SmtpSender:
    def __init__(self, host: str, port: int, security: str = "none", username: str = "", password: str = "",
                 mail_from: str = "", timeout: float = 10.0):
        self.host, self.port, self.security = host, port, security
        self.username, self.password, self.mail_from, self.timeout = username, password, mail_from, timeout

    def send(self, to: str, subject: str, text: str, html: str, language: str, message_key: str,
             attachments=()) -> str:
        """Send one message; returns its Message-ID (derived from `message_key`, the same on every try).
        `attachments`: (filename, content type, bytes) tuples, or a function returning them, called only
        once the server has answered (a certificate is not rendered for every try while it is down)."""
        try:
            with self._connect() as smtp:
                msg = self._message(to, subject, text, html, language, message_key,
                                    attachments() if callable(attachments) else attachments)
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(msg)
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

    def _message(self, to, subject, text, html, language, message_key, attachments) -> EmailMessage:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.mail_from, to, subject
        msg["Content-Language"] = language
        msg["Message-ID"] = make_msgid(idstring=message_key, domain="registry.example.pk")
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
            smtp.starttls(context=ssl.create_default_context())
        return smtp
