"""The documents' pages: the PDF download for customers and staff, the staff's send dialog."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.context import Ctx, RequestContext
from core.declarations import DocumentType, RecordType
from core.documents.models import Publication
from core.documents.publishing import DocumentError, eligible_contacts, publish, readable_document
from core.documents.status import SEND_PERMISSION, pdf_url
from core.documents.visibility import latest_publication, publication_history
from core.i18n import N_
from core.models import User
from core.records import load_record
from core.storage import StorageError
from core.web.forms import form_lists, safe_next
from core.web.inputs import IntegerInputError
from core.web.rendering import Page, render
from core.web.sessions import flash

log = logging.getLogger("portico.documents")


async def _load(ctx: RequestContext, key: str, record_id: int) -> tuple[DocumentType, RecordType, Any]:
    """The document type and record as this user may see them, or 404."""
    document = readable_document(ctx, key)
    if document is None:
        raise NotFoundException()
    found = await load_record(ctx, document.record_type, record_id)
    if found is None:
        raise NotFoundException()
    kind, record = found
    return document, kind, record


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name for browsers that read RFC 5987."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


class DocumentsController(Controller):
    path = "/documents"

    @get("/{doc_type:str}/{record_id:int}/pdf", opt={"permission": "core.documents.view"})
    async def download(
        self, ctx: Ctx, doc_type: FromPath[str], record_id: FromPath[int], version: FromQuery[int | None] = None
    ) -> Stream:
        """The stored snapshot: the last one sent, or (staff only) version ``?version=N``."""
        _document, _kind, record = await _load(ctx, doc_type, record_id)
        publication: Publication | None
        if version is None:
            publication = await latest_publication(ctx, doc_type, record.id)
        elif ctx.is_staff:
            publication = await ctx.db.scalar(
                select(Publication).where(
                    Publication.doc_type == doc_type, Publication.record_id == record.id, Publication.version == version
                )
            )
        else:
            publication = None
        # A contact gets a document only if it went to the account the record belongs to.
        if publication is None or (ctx.is_contact and publication.customer_id != record.customer_id):
            raise NotFoundException()
        try:
            size = await ctx.storage.size(publication.storage_key)
        except StorageError:
            log.error("the PDF of publication %s is missing from storage", publication.id)
            raise NotFoundException() from None
        return Stream(
            ctx.storage.stream(publication.storage_key),
            media_type="application/pdf",
            headers={
                "Content-Disposition": content_disposition(publication.filename),
                "Content-Length": str(size),
                "Cache-Control": "private, no-store",
            },
        )


class SendDocumentController(Controller):
    path = "/admin/documents"
    opt = {"permission": SEND_PERMISSION}

    async def _page(
        self,
        ctx: RequestContext,
        key: str,
        record_id: int,
        *,
        chosen: set[int] | None = None,
        message: str = "",
        error: str = "",
        next_url: str = "",
        status: int = 200,
    ) -> Page:
        document, kind, record = await _load(ctx, key, record_id)
        contacts = await eligible_contacts(ctx, key, record)
        history = await publication_history(ctx, key, record.id)
        senders = {
            user.id: user
            for user in await ctx.db.scalars(select(User).where(User.id.in_({p.sent_by for p in history if p.sent_by})))
        }
        return await render(
            ctx,
            "core/documents/send.html",
            status_code=status,
            document=document,
            kind=kind,
            record=record,
            record_title=kind.title(record),
            record_url=kind.url(record),
            contacts=contacts,
            chosen=chosen if chosen is not None else {c.id for c in contacts if c.customer_id == record.customer_id},
            message=message,
            error=error,
            history=[(p, senders.get(p.sent_by or 0), pdf_url(key, record.id, p.version)) for p in history],
            next_url=next_url,
        )

    @get("/{doc_type:str}/{record_id:int}/send")
    async def show(
        self, ctx: Ctx, doc_type: FromPath[str], record_id: FromPath[int], next: FromQuery[str] = ""
    ) -> Page:
        return await self._page(ctx, doc_type, record_id, next_url=safe_next(next, ""))

    @post("/{doc_type:str}/{record_id:int}/send", opt={"integers": ("contact",)})
    async def send(
        self, ctx: Ctx, doc_type: FromPath[str], record_id: FromPath[int], request: Request[Any, Any, Any]
    ) -> Page | Redirect:
        document, kind, record = await _load(ctx, doc_type, record_id)
        try:
            form = await form_lists(request)
        except IntegerInputError as refused:
            problems = " ".join(refused.errors(ctx).values())
            message = refused.form.get("message", "")
            return await self._page(ctx, doc_type, record_id, message=message, error=problems, status=400)
        message = (form.get("message") or [""])[0]
        next_url = safe_next((form.get("next") or [""])[0], "")
        ids = {int(value) for value in form.get("contact", []) if value}  # whole numbers: the kernel checked
        people = list(await ctx.db.scalars(select(User).where(User.id.in_(ids)))) if ids else []
        error = None
        try:
            if len(people) != len(ids):
                raise DocumentError(N_("One of the chosen people no longer exists."))
            publication = await publish(ctx, doc_type, record, people, message=message)
            await ctx.db.flush()
        except DocumentError as refused:
            error, status = refused.translated(ctx), 400
        except IntegrityError:  # another sending of this record took the same version number
            await ctx.rollback()
            error = ctx._("Someone sent this at the same moment. Check the sendings below and send again if needed.")
            status = 409
        if error is not None:
            return await self._page(
                ctx, doc_type, record_id, chosen=ids, message=message, error=error, next_url=next_url, status=status
            )
        names = ", ".join(person["name"] for person in publication.recipients)
        flash(
            ctx.session,
            ctx._(
                "{document} sent to {names} (version {version}).",
                document=ctx._(document.label),
                names=names,
                version=publication.version,
            ),
        )
        await ctx.db.commit()
        return Redirect(next_url or kind.url(record))
