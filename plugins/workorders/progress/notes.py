"""Customers' notes on a work order, with an optional picture.

Whether a customer may add one is the vendor's choice (settings ``show_notes`` and
``customers_add_notes``) and the role's (permission ``workorders.notes``). A picture's type comes
from its bytes (``core.sniff``); only images are taken, and they are stored through the kernel's
storage under a key the server makes.
"""

from __future__ import annotations

from typing import Any

from core import N_, RequestContext, display_name, sniff
from plugins.workorders.models import WorkOrder, WorkOrderNote
from plugins.workorders.progress.visibility import settings_of

BODY_MAX = 4000
PICTURE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


class NoteError(ValueError):
    """A note that cannot be saved: ``message`` (a msgid) says why, ``field`` where."""

    def __init__(self, message: str, field: str = "body", status_code: int = 400, **values: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status_code = status_code
        self.values = values


def notes_shown(ctx: RequestContext) -> bool:
    return bool(settings_of(ctx).get("show_notes"))


def pictures_shown(ctx: RequestContext) -> bool:
    return bool(settings_of(ctx).get("show_pictures"))


def customers_may_add(ctx: RequestContext) -> bool:
    """The vendor takes notes from customers: notes are shown and customers may add them."""
    settings = settings_of(ctx)
    return bool(settings.get("show_notes") and settings.get("customers_add_notes"))


def can_add_notes(ctx: RequestContext) -> bool:
    """Whether this user gets the note form: a contact holding the permission, when allowed."""
    return ctx.is_contact and ctx.can("workorders.notes") and customers_may_add(ctx)


async def add_note(
    ctx: RequestContext, order: WorkOrder, body: str, picture: bytes | None, picture_filename: str = ""
) -> WorkOrderNote:
    """Store a customer's note (and picture) on ``order``; the caller commits.

    Raises :class:`NoteError` before anything is written.
    """
    body = body.strip()
    if not body and not picture:
        raise NoteError(N_("Write a note or add a picture."))
    if len(body) > BODY_MAX:
        raise NoteError(N_("A note may have at most {count} characters."), count=BODY_MAX)
    kind = None
    if picture:
        if not pictures_shown(ctx):
            raise NoteError(N_("Pictures are not taken on work orders."), "picture")
        limit = ctx.portico.settings.max_upload_mb * 1024 * 1024
        if len(picture) > limit:
            raise NoteError(
                N_("The file is larger than {size} MB, the most this portal accepts."),
                "picture",
                413,
                size=ctx.portico.settings.max_upload_mb,
            )
        kind = sniff(picture)
        if kind is None or kind.content_type not in PICTURE_TYPES:
            raise NoteError(N_("Add a picture as a PNG, JPEG, GIF or WebP image."), "picture")
    assert ctx.user is not None
    note = WorkOrderNote(
        customer_id=order.customer_id,
        work_order_id=order.id,
        author_id=ctx.user.id,
        from_customer=True,
        body=body,
    )
    if picture and kind is not None:
        note.picture_key = await ctx.storage.save(ctx.tenant.id, picture, suffix=kind.extension)
        note.picture_name = display_name(picture_filename or "picture", kind)
        note.picture_type = kind.content_type
    ctx.db.add(note)
    return note
