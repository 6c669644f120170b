"""Email over SMTP (`smtplib`): HTML and text in one message, from `LOYALTY_MAIL_FROM`.

`LOYALTY_SMTP_URL` is `smtp://user:pass@host:port` (STARTTLS when the server offers it) or
`smtps://…` (TLS from the first byte). The message id travels as the `Message-ID` header
(`<id@loyalty>`): SMTP has no idempotency key, but mail clients and our stand-in collapse copies with the
same Message-ID. A 4xx answer or a lost connection is retried; a 5xx answer about the recipient moves on.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import unquote, urlparse

from messaging.senders import REFUSED, RETRY, SENT, Outgoing, SendResult


class SmtpSender:
    channel = "email"
    needs = "email"

    def __init__(self, smtp_url: str, mail_from: str, timeout_seconds: float = 10.0):
        url = urlparse(smtp_url)
        if url.scheme not in ("smtp", "smtps") or not url.hostname:
            raise ValueError("LOYALTY_SMTP_URL must look like smtp://user:pass@host:port or smtps://...")
        self.tls = url.scheme == "smtps"
        self.host, self.port = url.hostname, url.port or (465 if self.tls else 25)
        self.user = unquote(url.username) if url.username else None
        self.password = unquote(url.password) if url.password else None
        self.mail_from, self.timeout = mail_from, timeout_seconds

    def message(self, outgoing: Outgoing) -> EmailMessage:
        rendered = outgoing.rendered
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.mail_from, outgoing.recipient, rendered.subject
        mail["Message-ID"] = f"<{outgoing.message_id}@loyalty>"
        mail["Date"] = formatdate(localtime=False)
        mail.set_content(rendered.text)
        mail.add_alternative(f"<!doctype html><html lang=\"{rendered.lang}\"><body>{rendered.html}</body></html>",
                             subtype="html")
        return mail

    def send(self, outgoing: Outgoing) -> SendResult:
        try:
            with self._connect() as smtp:
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(self.message(outgoing))
        except smtplib.SMTPAuthenticationError as exc:  # our credentials: the operator fixes them, we retry
            return SendResult(RETRY, f"SMTP login refused: {exc.smtp_code}")
        except smtplib.SMTPRecipientsRefused as exc:
            return SendResult(REFUSED, f"SMTP refused the recipient: {exc.recipients}")
        except smtplib.SMTPResponseException as exc:
            text = f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"
            return SendResult(REFUSED if 500 <= exc.smtp_code < 600 else RETRY, text)
        except ConnectionRefusedError as exc:  # never reached the server
            return SendResult(RETRY, f"SMTP unreachable: {type(exc).__name__}")
        except (smtplib.SMTPException, OSError) as exc:  # may have been cut after the server took it
            return SendResult(RETRY, f"SMTP connection lost: {type(exc).__name__}", ambiguous=True)
        return SendResult(SENT, "ok", f"<{outgoing.message_id}@loyalty>")

    def _connect(self) -> smtplib.SMTP:
        if self.tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        return smtp

    def close(self) -> None:
        pass
