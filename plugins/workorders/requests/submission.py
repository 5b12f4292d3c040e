"""A customer's new work request: reading the form, checking it, and storing it once.

The form carries a ``submission_key`` made when it was shown: a second post of the same form (a
double click, a reload) finds the request the first one made instead of making another.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from litestar.datastructures import UploadFile
from sqlalchemy import select

from core import Customer, RequestContext, add_file, next_number, sniff, utcnow
from plugins.workorders.models import WorkRequest, WorkType
from plugins.workorders.requests.work_types import offered_types

RECORD_TYPE = "workorders.request"
DESCRIPTION_MAX = 10_000
MAX_ATTACHMENTS = 5
KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")


def new_submission_key() -> str:
    return uuid.uuid4().hex


@dataclass
class Upload:
    name: str
    data: bytes


@dataclass
class RequestForm:
    """What the customer typed (kept to re-show the form) and what is wrong with it."""

    values: dict[str, str]
    uploads: list[Upload] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


async def visible_sites(ctx: RequestContext) -> list[Customer]:
    """The active accounts the user may request work for: a contact's own account and those below it."""
    rows = await ctx.db.scalars(select(Customer).where(Customer.active.is_(True)).order_by(Customer.path))
    return list(rows)


def default_site_id(ctx: RequestContext, sites: list[Customer]) -> int | None:
    own = ctx.user.customer_id if ctx.user is not None else None
    if own is not None and any(s.id == own for s in sites):
        return own
    return sites[0].id if sites else None


async def read_uploads(ctx: RequestContext, raw: Any) -> tuple[list[Upload], str | None]:
    """The files chosen in the form, each checked by its bytes; the first problem as a message."""
    limit = ctx.portico.settings.max_upload_mb * 1024 * 1024
    uploads: list[Upload] = []
    for item in raw:
        if not isinstance(item, UploadFile) or not item.filename:
            continue  # an empty file input sends a nameless part
        try:
            data = await item.read(limit + 1)
        finally:
            await item.close()
        if len(data) > limit:
            return [], ctx._(
                "The file {name} is larger than {size} MB, the most this portal accepts.",
                name=item.filename,
                size=ctx.portico.settings.max_upload_mb,
            )
        if not data or sniff(data) is None:
            return [], ctx._(
                "The file {name} is not accepted: attach PDFs, images, Office documents, ZIP or text files.",
                name=item.filename,
            )
        uploads.append(Upload(item.filename, data))
    if len(uploads) > MAX_ATTACHMENTS:
        return [], ctx._("Attach at most {count} files.", count=MAX_ATTACHMENTS)
    return uploads, None


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


async def check(
    ctx: RequestContext, values: dict[str, str], sites: list[Customer], settings: dict[str, Any]
) -> tuple[dict[str, str], Customer | None, WorkType | None, dt.date | None]:
    """Errors by field (translated), and the site, type and date the values name."""
    errors: dict[str, str] = {}
    site_id = values.get("site_id", "")
    site = next((s for s in sites if str(s.id) == site_id), None)
    if site is None:
        errors["site_id"] = ctx._("Choose the site the work is for.")
    work_type = None
    if not values.get("work_type_id"):
        errors["work_type_id"] = ctx._("Choose the type of work.")
    elif site is not None:
        offered = (await offered_types(ctx, [site]))[site.id]
        work_type = next((t for t in offered if str(t.id) == values["work_type_id"]), None)
        if work_type is None:
            errors["work_type_id"] = ctx._("This type of work is not offered for the chosen site.")
    description = values.get("description", "").strip()
    if settings["description_required"] and not description:
        errors["description"] = ctx._("Describe the work you need.")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = ctx._("Enter at most {count} characters.", count=DESCRIPTION_MAX)
    preferred = None
    if values.get("preferred_on"):
        preferred = parse_date(values["preferred_on"])
        if preferred is None:
            errors["preferred_on"] = ctx._("Enter a date such as {example}.", example="2026-03-31")
        elif preferred < utcnow().date():
            errors["preferred_on"] = ctx._("Choose a date from today on.")
    if settings["terms_required"] and values.get("accept_terms") != "1":
        errors["accept_terms"] = ctx._("Accept the terms to send the request.")
    return errors, site, work_type, preferred


async def existing(ctx: RequestContext, key: str) -> WorkRequest | None:
    return await ctx.db.scalar(select(WorkRequest).where(WorkRequest.submission_key == key))


async def create_request(
    ctx: RequestContext,
    values: dict[str, str],
    site: Customer,
    work_type: WorkType,
    preferred: dt.date | None,
    uploads: list[Upload],
    settings: dict[str, Any],
) -> WorkRequest:
    """Store the request and its files (not committed). Raises IntegrityError when another post
    of the same form got there first; the caller rolls back and shows that one."""
    assert ctx.user is not None
    terms = bool(settings["terms_required"])
    async with ctx.db.begin_nested():
        request = WorkRequest(
            customer_id=site.id,
            number=await next_number(ctx.db, WorkRequest.number, "WR-", ctx.tenant.id),
            work_type_id=work_type.id,
            requested_by_id=ctx.user.id,
            description=values.get("description", "").strip(),
            preferred_on=preferred,
            terms_text=settings["terms_text"] if terms else "",
            terms_accepted_at=utcnow() if terms else None,
            submission_key=values["submission_key"],
        )
        ctx.db.add(request)
        await ctx.db.flush()
    for upload in uploads:
        await add_file(ctx, RECORD_TYPE, request.id, data=upload.data, filename=upload.name, visible_in_portal=True)
    return request
