"""Queueing email: a row in the outbox, in the caller's transaction."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import getaddresses

from sqlalchemy.ext.asyncio import AsyncSession

from core.db import get_scope
from core.mail.models import OutboxMessage
from core.storage import Storage

#: An address the portal accepts for a person and can put in a mail header.
EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


class MailError(ValueError):
    """An email that cannot be queued (no recipient, a malformed address)."""


@dataclass(frozen=True)
class Attachment:
    """A file to attach: its bytes, or the key of a file already in storage (a PDF snapshot)."""

    filename: str
    content_type: str
    data: bytes | None = None
    key: str | None = None


def clean_address(address: str) -> str:
    """The bare address of ``address``, or :class:`MailError` if it is not one."""
    found = getaddresses([address.strip()])
    bare = found[0][1] if len(found) == 1 else ""
    if not EMAIL.match(bare):
        raise MailError(f"{address!r} is not an email address")
    return bare


async def queue_email(
    db: AsyncSession,
    storage: Storage,
    *,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
    reply_to: str | None = None,
    event: str = "",
    created_by: int | None = None,
) -> OutboxMessage:
    """Add an email to the outbox of the scoped tenant; it leaves when the transaction commits.

    Attachment bytes go to storage now (the worker reads them back), so the outbox row stays small.
    """
    recipients = list(dict.fromkeys(clean_address(a) for a in to if a.strip()))
    if not recipients:
        raise MailError("an email needs at least one recipient")
    tenant_id = get_scope(db.sync_session).tenant_id
    stored = []
    for att in attachments:
        key = att.key
        if key is None:
            if att.data is None or tenant_id is None:
                raise MailError(f"attachment {att.filename!r} has neither data nor a storage key")
            suffix = "." + att.filename.rsplit(".", 1)[-1].lower() if "." in att.filename else ""
            key = await storage.save(tenant_id, att.data, suffix=suffix if len(suffix) <= 9 else "")
        stored.append({"filename": att.filename, "content_type": att.content_type, "key": key})
    message = OutboxMessage(
        recipients=recipients,
        subject=" ".join(subject.split())[:300],
        text_body=text,
        html_body=html,
        attachments=stored,
        reply_to=clean_address(reply_to) if reply_to else None,
        event=event,
        created_by=created_by,
    )
    db.add(message)
    await db.flush()
    return message
