"""The vendor's notes on a work order, each with an optional picture kept in the kernel's storage.

A picture's type is judged from its bytes (``core.sniff``); only images are taken.
"""

from __future__ import annotations

from litestar import Response
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException

from core import N_, RequestContext, display_name, sniff
from plugins.workorders.models import WorkOrder, WorkOrderNote

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
BODY_MAX = 10000
TOO_LARGE = N_("The picture is larger than {size} MB, the most this portal accepts.")


class NoteError(ValueError):
    def __init__(self, msgid: str, status: int = 400) -> None:
        super().__init__(msgid)
        self.msgid, self.status = msgid, status


async def add_note(ctx: RequestContext, order: WorkOrder, body: str, upload: UploadFile | None) -> WorkOrderNote:
    body = body.strip()
    data = await _read(ctx, upload)
    if not body and data is None:
        raise NoteError(N_("Write a note or choose a picture."))
    if len(body) > BODY_MAX:
        raise NoteError(N_("The note is too long (at most 10000 characters)."))
    note = WorkOrderNote(
        customer_id=order.customer_id,
        work_order_id=order.id,
        author_id=ctx.user.id if ctx.user else None,
        from_customer=False,
        body=body,
    )
    if data is not None:
        kind = sniff(data)
        if kind is None or kind.content_type not in IMAGE_TYPES:
            raise NoteError(N_("The picture must be a PNG, JPEG, GIF or WebP image."))
        note.picture_key = await ctx.storage.save(ctx.tenant.id, data, suffix=kind.extension)
        note.picture_type = kind.content_type
        note.picture_name = display_name((upload.filename if upload else "") or "picture", kind)
    ctx.db.add(note)
    await ctx.db.flush()
    return note


async def _read(ctx: RequestContext, upload: UploadFile | None) -> bytes | None:
    """The uploaded bytes (None when no file was chosen), reading at most one byte past the limit."""
    if upload is None or not upload.filename:
        return None
    limit = ctx.portico.settings.max_upload_mb * 1024 * 1024
    try:
        data = await upload.read(limit + 1)
    finally:
        await upload.close()
    if len(data) > limit:
        raise NoteError(TOO_LARGE, 413)
    return data or None


async def _note(ctx: RequestContext, order: WorkOrder, note_id: int) -> WorkOrderNote:
    note = await ctx.db.get(WorkOrderNote, note_id)
    if note is None or note.work_order_id != order.id:
        raise NotFoundException()
    return note


async def picture_response(ctx: RequestContext, order: WorkOrder, note_id: int) -> Response[bytes]:
    note = await _note(ctx, order, note_id)
    if not note.picture_key:
        raise NotFoundException()
    data = await ctx.storage.read(note.picture_key)
    return Response(
        data,
        media_type=note.picture_type,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


async def delete_note(ctx: RequestContext, order: WorkOrder, note_id: int) -> str | None:
    """Delete the note; returns its picture's key, to remove from storage once committed."""
    note = await _note(ctx, order, note_id)
    await ctx.db.delete(note)
    return note.picture_key
