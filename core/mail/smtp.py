"""One email over SMTP with smtplib (blocking: the worker calls it in a thread).

SMTP failures come in two kinds: temporary (no connection, a 4xx reply, a refused sign-in that
the operator will fix) are retried later; permanent (a 5xx reply to the message or to every
recipient) will not get better and end the message as failed.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

from core.mail.models import OutboxMessage
from core.settings import Settings

TIMEOUT_SECONDS = 60


class TemporaryFailure(Exception):
    """Try again later."""


class PermanentFailure(Exception):
    """Trying again would fail the same way."""


def build_message(
    message: OutboxMessage,
    mail_from: str,
    portal_name: str,
    attachments: Sequence[tuple[str, str, bytes]],
) -> EmailMessage:
    """The MIME message of an outbox row; ``attachments`` are (filename, content type, bytes)."""
    email = EmailMessage()
    email["From"] = formataddr((portal_name, mail_from)) if portal_name else mail_from
    email["To"] = ", ".join(message.recipients)
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    # The same id at every attempt, so a receiving system can spot a duplicate.
    email["Message-ID"] = make_msgid(idstring=f"outbox.{message.tenant_id}.{message.id}", domain=_domain(mail_from))
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    email.set_content(message.text_body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    for filename, content_type, data in attachments:
        maintype, _, subtype = content_type.partition("/")
        if not subtype:
            maintype, subtype = "application", "octet-stream"
        email.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return email


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1] if "@" in address else "localhost"


def smtp_send(settings: Settings, email: EmailMessage, recipients: list[str]) -> dict[str, Any]:
    """Send ``email``; returns the recipients the server refused while accepting others."""
    try:
        smtp: smtplib.SMTP
        if settings.smtp_security == "ssl":
            smtp = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS)
        with smtp:
            if settings.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            return dict(smtp.send_message(email, from_addr=settings.mail_from, to_addrs=recipients))
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        reason = "; ".join(f"{addr}: {code} {reply_text(text)}" for addr, (code, text) in exc.recipients.items())
        if all(code >= 500 for code in codes):
            raise PermanentFailure(f"every recipient was refused: {reason}") from exc
        raise TemporaryFailure(f"recipients refused for now: {reason}") from exc
    except smtplib.SMTPAuthenticationError as exc:  # the operator fixes the credentials; keep the mail
        raise TemporaryFailure(f"SMTP sign-in refused: {exc.smtp_code} {reply_text(exc.smtp_error)}") from exc
    except smtplib.SMTPResponseException as exc:
        reason = f"{exc.smtp_code} {reply_text(exc.smtp_error)}"
        if exc.smtp_code >= 500:
            raise PermanentFailure(f"the SMTP server refused the message: {reason}") from exc
        raise TemporaryFailure(f"the SMTP server deferred the message: {reason}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        where = f"{settings.smtp_host}:{settings.smtp_port}"
        raise TemporaryFailure(f"cannot reach the SMTP server {where}: {type(exc).__name__}: {exc}") from exc


def reply_text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
