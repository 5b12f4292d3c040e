"""What a record's detail page shows about its document: the PDF link, the last sending, "Send"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.context import RequestContext
from core.documents.models import Publication
from core.documents.publishing import readable_document
from core.documents.visibility import latest_publication

SEND_PERMISSION = "core.documents.send"


def pdf_url(key: str, record_id: int, version: int | None = None) -> str:
    return f"/documents/{key}/{record_id}/pdf" + (f"?version={version}" if version else "")


def send_url(key: str, record_id: int) -> str:
    return f"/admin/documents/{key}/{record_id}/send"


@dataclass(frozen=True)
class DocumentStatus:
    """Handed to the ``document_actions`` macro (``core/documents/macros.html``)."""

    key: str
    label: str
    record_id: int
    latest: Publication | None
    pdf_url: str
    #: The send dialog's address, or None when the user may not send documents.
    send_url: str | None


async def document_status(ctx: RequestContext, key: str, record: Any) -> DocumentStatus | None:
    """The document of ``record`` as this user sees it; None if the document type is off."""
    document = readable_document(ctx, key)
    if document is None:
        return None
    return DocumentStatus(
        key=key,
        label=document.label,
        record_id=record.id,
        latest=await latest_publication(ctx, key, record.id),
        pdf_url=pdf_url(key, record.id),
        send_url=send_url(key, record.id) if ctx.is_staff and ctx.can(SEND_PERMISSION) else None,
    )
