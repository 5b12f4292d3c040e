"""The customer's work order pages: the list, a work order with its parts' progress, notes."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException, NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import select

from core import N_, Ctx, Page, document_status, flash, record_recent, render, threads_for_record
from plugins.workorders.models import WORK_ORDER_KINDS, WORK_ORDER_STATUSES, WorkOrder, WorkOrderNote
from plugins.workorders.progress.detail import find_order, load_view
from plugins.workorders.progress.formatting import qty
from plugins.workorders.progress.listing import load_page, parse_filters
from plugins.workorders.progress.notes import (
    NoteError,
    add_note,
    can_add_notes,
    customers_may_add,
    notes_shown,
    pictures_shown,
)
from plugins.workorders.progress.visibility import statuses_of_view

RECORD_KEY = "workorders.order"
NOTES_REFUSED = N_("Your vendor does not take notes from customers on work orders.")


def order_title(order: WorkOrder) -> str:
    return f"{order.number} · {order.title}" if order.title else order.number


class WorkOrdersController(Controller):
    path = "/workorders"

    @get("/", opt={"permission": "workorders.view", "integers": ("site", "before")})
    async def index(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
        params = {key: request.query_params.getall(key) for key in request.query_params}
        filters = parse_filters(params)
        page = await load_page(ctx, filters)
        return await render(
            ctx,
            "workorders/progress/list.html",
            status_code=400 if filters.errors else 200,
            filters=filters,
            errors={name: ctx._(message) for name, message in filters.errors.items()},
            page=page,
            status_choices=[(s, WORK_ORDER_STATUSES[s]) for s in statuses_of_view(ctx, filters.view)],
            statuses=WORK_ORDER_STATUSES,
            kinds=WORK_ORDER_KINDS,
            qty=qty,
        )

    async def _detail(
        self,
        ctx: Ctx,
        order_id: int,
        *,
        status_code: int = 200,
        note_form: dict[str, str] | None = None,
        note_errors: dict[str, str] | None = None,
    ) -> Page:
        found = await find_order(ctx, order_id)
        if found is None:
            raise NotFoundException()
        order, account = found
        view = await load_view(ctx, order, account, with_notes=notes_shown(ctx))
        await record_recent(ctx, title=order_title(order), url=f"/workorders/{order.id}", kind="Work order")
        return await render(
            ctx,
            "workorders/progress/detail.html",
            status_code=status_code,
            view=view,
            order=order,
            statuses=WORK_ORDER_STATUSES,
            kinds=WORK_ORDER_KINDS,
            document=await document_status(ctx, RECORD_KEY, order),
            threads=await threads_for_record(ctx, RECORD_KEY, order.id),
            show_notes=notes_shown(ctx),
            show_pictures=pictures_shown(ctx),
            can_add_notes=can_add_notes(ctx),
            note_form=note_form or {},
            note_errors=note_errors or {},
            qty=qty,
        )

    @get("/{order_id:int}", opt={"permission": "workorders.view"})
    async def detail(self, ctx: Ctx, order_id: FromPath[int]) -> Page:
        return await self._detail(ctx, order_id)

    @post("/{order_id:int}/notes", opt={"permission": "workorders.notes"})
    async def add_note(self, ctx: Ctx, order_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        found = await find_order(ctx, order_id)
        if found is None:
            raise NotFoundException()
        order, _account = found
        if not ctx.is_contact or not customers_may_add(ctx):
            raise PermissionDeniedException(NOTES_REFUSED)
        body, picture, filename = "", None, ""
        try:
            form = await request.form()
            body = str(form.get("body") or "")
            upload = form.get("picture")
            if isinstance(upload, UploadFile):
                limit = ctx.portico.settings.max_upload_mb * 1024 * 1024
                try:
                    picture = await upload.read(limit + 1) or None
                finally:
                    await upload.close()
                filename = upload.filename or ""
            await add_note(ctx, order, body, picture, filename)
        except HTTPException as exc:  # Litestar stops reading a body that is too large (413)
            if exc.status_code != 413:
                raise
            message = ctx._(
                "The file is larger than {size} MB, the most this portal accepts.",
                size=ctx.portico.settings.max_upload_mb,
            )
            return await self._detail(ctx, order_id, status_code=413, note_errors={"picture": message})
        except NoteError as refused:
            message = ctx._(refused.message, **refused.values)
            return await self._detail(
                ctx,
                order_id,
                status_code=refused.status_code,
                note_form={"body": body},
                note_errors={refused.field: message},
            )
        flash(ctx.session, ctx._("Your note was added."))
        await ctx.db.commit()
        return Redirect(f"/workorders/{order.id}#notes")

    @get("/{order_id:int}/notes/{note_id:int}/picture", opt={"permission": "workorders.view"})
    async def picture(self, ctx: Ctx, order_id: FromPath[int], note_id: FromPath[int]) -> Response[bytes]:
        if not (notes_shown(ctx) and pictures_shown(ctx)):
            raise NotFoundException()
        found = await find_order(ctx, order_id)
        if found is None:
            raise NotFoundException()
        note = await ctx.db.scalar(
            select(WorkOrderNote).where(WorkOrderNote.id == note_id, WorkOrderNote.work_order_id == order_id)
        )
        if note is None or not note.picture_key:
            raise NotFoundException()
        try:
            data = await ctx.storage.read(note.picture_key)
        except Exception:  # the row outlived its file (storage restored from an older backup)
            raise NotFoundException() from None
        safe_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in note.picture_name)
        return Response(
            data,
            media_type=note.picture_type or "application/octet-stream",
            headers={
                "Content-Disposition": f'inline; filename="{safe_name or "picture"}"',
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, max-age=300",
                "Content-Security-Policy": "default-src 'none'; sandbox",
            },
        )
