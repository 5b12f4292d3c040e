"""Sending a document: render it, keep the snapshot, record the publication, email the PDF.

Everything happens in the caller's transaction: if the request fails before it commits, no
publication exists and no email leaves (only the stored file stays behind, unreferenced).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from core.context import RequestContext
from core.declarations import DocumentType, RecordType
from core.documents.models import Publication
from core.documents.render import render_document
from core.i18n import N_
from core.mail import Attachment, send_email
from core.models import Customer, User
from core.records import staff_reach

DEFAULT_EMAIL = "core.document_sent"
PDF = "application/pdf"


class DocumentError(ValueError):
    """A document that cannot be sent. ``msgid`` and ``values`` give the reason for ``ctx._()``."""

    def __init__(self, msgid: str, **values: Any) -> None:
        self.msgid = msgid
        self.values = values
        super().__init__(msgid.format(**values) if values else msgid)

    def translated(self, ctx: RequestContext) -> str:
        return ctx._(self.msgid, **self.values)


def document_type(ctx: RequestContext, key: str) -> DocumentType | None:
    """The declared document type ``key`` if its module is on for this tenant, else None."""
    document = ctx.portico.plugins.document_types.get(key)
    if document is None or not ctx.state.is_enabled(document.module):
        return None
    return document


def readable_document(ctx: RequestContext, key: str) -> DocumentType | None:
    """The document type ``key`` if this user may read its documents: a contact (or anyone)
    holding its ``permission``, or vendor staff holding its record type's ``staff_permission``
    (the module's "manage" one), who need not hold the customers' view to send and check them."""
    document = document_type(ctx, key)
    if document is None:
        return None
    kind = ctx.portico.plugins.record_types.get(document.record_type)
    return document if ctx.can(document.permission) or (kind is not None and staff_reach(ctx, kind)) else None


def _declared(ctx: RequestContext, key: str) -> tuple[DocumentType, RecordType]:
    document = document_type(ctx, key)
    if document is None:
        raise DocumentError(N_("There is no document type {key}."), key=key)
    return document, ctx.portico.plugins.record_types[document.record_type]


async def eligible_contacts(ctx: RequestContext, key: str, record: Any) -> list[User]:
    """The people a document of ``record`` may go to: active contacts who can see the record.

    That is the contacts of the record's account and of the accounts above it (a parent
    customer's buyer sees its sites' records), whose role lets them see this kind of document.
    A sibling site's contacts, or a site's for a record of its parent, are never among them.
    """
    document, _kind = _declared(ctx, key)
    path = await ctx.db.scalar(select(Customer.path).where(Customer.id == record.customer_id))
    if not path:
        return []
    accounts = [int(part) for part in path.strip("/").split("/")]
    people = await ctx.db.scalars(
        select(User)
        .where(User.customer_id.in_(accounts), User.active.is_(True))
        .order_by(User.last_name, User.first_name, User.email)
    )
    return [person for person in people if document.permission in ctx.state.permissions_of(person.role_id)]


async def next_version(ctx: RequestContext, key: str, record_id: int) -> int:
    latest = await ctx.db.scalar(
        select(func.max(Publication.version)).where(Publication.doc_type == key, Publication.record_id == record_id)
    )
    return int(latest or 0) + 1


async def publish(
    ctx: RequestContext,
    key: str,
    record: Any,
    recipients: Sequence[User],
    message: str = "",
) -> Publication:
    """Send ``record`` as document ``key`` to ``recipients`` and return the new publication.

    Renders the PDF with the tenant's branding, stores that snapshot, records version N+1 and
    queues the email with the PDF attached, all in the request's transaction (the caller
    commits). From then on the record is visible to the contacts of its account, and they
    download this snapshot until it is sent again. Raises :class:`DocumentError` when the user
    is not vendor staff, no recipient is given, or a recipient may not see the record.
    """
    document, kind = _declared(ctx, key)
    if not ctx.is_staff:
        raise DocumentError(N_("Only the vendor's staff can send documents."))
    if not isinstance(record, kind.model):
        raise DocumentError(N_("That record is not a {label}."), label=kind.label)
    chosen = sorted({p.id: p for p in recipients}.values(), key=lambda p: (p.display_name.lower(), p.id))
    if not chosen:
        raise DocumentError(N_("Choose at least one contact to send it to."))
    allowed = {person.id for person in await eligible_contacts(ctx, key, record)}
    for person in chosen:
        if person.id not in allowed:
            raise DocumentError(
                N_("{name} cannot receive it: only active contacts of the record's customer account may."),
                name=person.display_name,
            )
    pdf = await render_document(ctx, document, record)
    storage_key = await ctx.storage.save(ctx.tenant.id, pdf.data, suffix=".pdf")
    filename = clean_filename(document.filename(record))
    publication = Publication(
        customer_id=record.customer_id,
        doc_type=key,
        record_id=record.id,
        version=await next_version(ctx, key, record.id),
        storage_key=storage_key,
        filename=filename,
        size=len(pdf.data),
        pages=pdf.pages,
        title=str(kind.title(record))[:300],
        message=message.strip()[:4000],
        recipients=[{"id": p.id, "email": p.email, "name": p.display_name} for p in chosen],
        sent_by=ctx.user.id if ctx.user else None,
    )
    ctx.db.add(publication)
    await ctx.db.flush()
    await send_email(
        ctx,
        document.email_template or DEFAULT_EMAIL,
        to=[p.email for p in chosen],
        context=_email_values(ctx, document, kind, record, publication),
        attachments=[Attachment(filename=filename, content_type=PDF, key=storage_key)],
    )
    return publication


def _email_values(
    ctx: RequestContext, document: DocumentType, kind: RecordType, record: Any, publication: Publication
) -> dict[str, Any]:
    language = ctx.branding.language or "en"
    return {
        "document_label": ctx.portico.plugins.translations.gettext(language, document.label),
        "record_title": publication.title,
        "message": publication.message,
        "link": ctx.portal_url(kind.url(record)),
        "version": publication.version,
        "filename": publication.filename,
    }


def clean_filename(name: str) -> str:
    """A download name without path parts or control characters, ending in .pdf."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?').strip(" .") or "document"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name[:200]
