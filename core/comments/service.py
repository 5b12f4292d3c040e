"""Comments and files on a record, as the person in front of us may see and add them.

Every function first finds the record through :func:`core.records.load_record`: a record the user
cannot see (another vendor's, a sibling site's, a module that is off, a permission they lack) is
not found, and neither are its comments and files. Rows copy the record's ``customer_id`` so the
central customer scoping applies to them as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.comments.models import Comment, RecordFile
from core.context import RequestContext
from core.i18n import N_
from core.integers import MAX_INT as MAX_ID
from core.records import load_record
from core.storage import Storage, StorageError
from core.uploads import FileKind, display_name, max_upload_bytes, sniff

COMMENT_MAX = 10_000


class InputError(ValueError):
    """Input we refuse, with a message for the person (an msgid, translated where it is shown)."""

    def __init__(self, message: str, status_code: int = 400, **values: Any) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.values = values


@dataclass(frozen=True)
class RecordRef:
    """The record comments and files hang on: its type key, id, vendor and account (None for a
    type whose records belong to no account: their comments and files are staff-only)."""

    kind_key: str
    record_id: int
    tenant_id: int
    customer_id: int | None
    #: The record's page and display name, when known (for links back to it).
    url: str = "/"
    title: str = ""

    @classmethod
    def of(cls, kind_key: str, row: Any) -> RecordRef:
        """The target for a plugin's row (it has ``id`` and ``tenant_id``, maybe ``customer_id``)."""
        return cls(kind_key, int(row.id), int(row.tenant_id), getattr(row, "customer_id", None))


async def find_record(ctx: RequestContext, kind_key: str, record_id: int) -> RecordRef:
    """The record, or 404. Comments and files of a record without an account are staff-only."""
    found = await load_record(ctx, kind_key, record_id)
    if found is None:
        raise NotFoundException()
    kind, row = found
    primary_key = kind.model.__mapper__.primary_key[0].key
    target = RecordRef(
        kind.key,
        int(getattr(row, primary_key)),
        ctx.tenant.id,
        getattr(row, "customer_id", None),
        url=kind.url(row),
        title=kind.title(row),
    )
    if target.customer_id is None and not ctx.is_staff:
        raise NotFoundException()
    return target


def _author_name(ctx: RequestContext) -> str:
    return ctx.user.display_name if ctx.user is not None else ""


async def list_comments(ctx: RequestContext, kind_key: str, record_id: int) -> list[Comment]:
    """The record's comments, oldest first (404 when the record is not visible)."""
    target = await find_record(ctx, kind_key, record_id)
    rows = await ctx.db.scalars(
        select(Comment)
        .where(Comment.record_type == target.kind_key, Comment.record_id == target.record_id)
        .order_by(Comment.created_at, Comment.id)
    )
    return list(rows)


async def add_comment(ctx: RequestContext, kind_key: str, record_id: int, body: str) -> Comment:
    """Add the user's comment; :class:`InputError` for an empty or overlong text. Not committed."""
    target = await find_record(ctx, kind_key, record_id)
    body = (body or "").strip()
    if not body:
        raise InputError(N_("Write a comment first."))
    if len(body) > COMMENT_MAX:
        raise InputError(N_("A comment may have at most {count} characters."), count=COMMENT_MAX)
    return store_comment(
        ctx.db,
        target,
        body=body,
        author_id=ctx.user.id if ctx.user else None,
        author_name=_author_name(ctx),
    )


def store_comment(
    db: AsyncSession, target: RecordRef, *, body: str, author_id: int | None, author_name: str
) -> Comment:
    comment = Comment(
        customer_id=target.customer_id,
        record_type=target.kind_key,
        record_id=target.record_id,
        author_id=author_id,
        author_name=author_name,
        body=body,
    )
    db.add(comment)
    return comment


def _visible_to_contact(ctx: RequestContext, row: RecordFile) -> bool:
    return ctx.is_staff or row.visible_in_portal or (ctx.user is not None and row.uploaded_by == ctx.user.id)


async def list_files(ctx: RequestContext, kind_key: str, record_id: int) -> list[RecordFile]:
    """The record's files the user may see: staff all of them, contacts those shown in the portal
    and their own uploads."""
    target = await find_record(ctx, kind_key, record_id)
    query = select(RecordFile).where(
        RecordFile.record_type == target.kind_key, RecordFile.record_id == target.record_id
    )
    if not ctx.is_staff:
        mine = RecordFile.uploaded_by == ctx.user.id if ctx.user is not None else False
        query = query.where(RecordFile.visible_in_portal.is_(True) | mine)
    rows = await ctx.db.scalars(query.order_by(RecordFile.created_at, RecordFile.id))
    return list(rows)


def check_upload(ctx: RequestContext, data: bytes) -> FileKind:
    """The kind of an uploaded file, or :class:`InputError` (too large, empty, not accepted)."""
    limit = max_upload_bytes(ctx.portico.settings)
    if len(data) > limit:
        raise InputError(
            N_("The file is larger than {size} MB, the most this portal accepts."),
            status_code=413,
            size=ctx.portico.settings.max_upload_mb,
        )
    if not data:
        raise InputError(N_("Choose a file to upload."))
    kind = sniff(data)
    if kind is None:
        raise InputError(
            N_("This kind of file is not accepted: upload a PDF, an image, an Office document, a ZIP or a text file.")
        )
    return kind


async def add_file(
    ctx: RequestContext,
    kind_key: str,
    record_id: int,
    *,
    data: bytes,
    filename: str | None,
    visible_in_portal: bool = False,
) -> RecordFile:
    """Store an uploaded file on the record. Its type comes from its content (:func:`core.uploads.sniff`).

    A contact's upload is always shown in the portal (it is theirs to share); staff choose. Raises
    :class:`InputError` before anything is written. The row is added but not committed.
    """
    target = await find_record(ctx, kind_key, record_id)
    kind = check_upload(ctx, data)
    return await store_file(
        ctx.db,
        ctx.storage,
        target,
        data=data,
        kind=kind,
        name=display_name(filename, kind),
        uploaded_by=ctx.user.id if ctx.user else None,
        uploader_name=_author_name(ctx),
        visible_in_portal=visible_in_portal or not ctx.is_staff,
    )


async def store_file(
    db: AsyncSession,
    storage: Storage,
    target: RecordRef,
    *,
    data: bytes,
    kind: FileKind,
    name: str,
    uploaded_by: int | None,
    uploader_name: str,
    visible_in_portal: bool,
) -> RecordFile:
    """Store a file of a known kind without checks (demo data, imports); :func:`add_file` checks."""
    key = await storage.save(target.tenant_id, data, suffix=kind.extension)
    row = RecordFile(
        customer_id=target.customer_id,
        record_type=target.kind_key,
        record_id=target.record_id,
        name=name,
        content_type=kind.content_type,
        size=len(data),
        storage_key=key,
        uploaded_by=uploaded_by,
        uploader_name=uploader_name,
        visible_in_portal=visible_in_portal,
    )
    db.add(row)
    return row


async def find_file(ctx: RequestContext, file_id: int) -> tuple[RecordFile, RecordRef]:
    """A file the user may see, with its record; 404 otherwise (also when its record is gone)."""
    if not 0 < file_id <= MAX_ID:
        raise NotFoundException()
    row = await ctx.db.scalar(select(RecordFile).where(RecordFile.id == file_id))
    if row is None or not _visible_to_contact(ctx, row):
        raise NotFoundException()
    return row, await find_record(ctx, row.record_type, row.record_id)


async def open_file(ctx: RequestContext, file_id: int) -> tuple[RecordFile, bytes]:
    """The file's row and its stored bytes, if the user may see it (404 otherwise)."""
    row, _ = await find_file(ctx, file_id)
    try:
        return row, await ctx.storage.read(row.storage_key)
    except StorageError as exc:
        raise NotFoundException() from exc


async def set_file_visibility(ctx: RequestContext, file_id: int, visible: bool) -> RecordFile:
    """Show the file to the record's customer in the portal, or hide it (staff). Not committed."""
    row, _ = await find_file(ctx, file_id)
    row.visible_in_portal = visible
    return row


async def delete_file(ctx: RequestContext, file_id: int) -> tuple[RecordRef, str]:
    """Remove the file's row (staff; not committed). Returns its record and the storage key, whose
    bytes the caller deletes once the removal is committed."""
    row, target = await find_file(ctx, file_id)
    await ctx.db.delete(row)
    return target, row.storage_key
