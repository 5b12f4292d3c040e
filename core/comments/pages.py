"""Routes of comments and files: htmx partials for a record page's panels, with plain-form fallbacks.

An htmx request (``HX-Request`` header) gets the panel back, re-rendered; a plain form post is
redirected to the record page (or the safe ``next`` it names), and a plain GET gets the panel on a
page of its own. Refused input answers 400 (413 for a file too large) with the message in the panel.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import ClientException, HTTPException
from litestar.params import FromPath
from litestar.response import Redirect

from core.comments.service import (
    InputError,
    RecordRef,
    add_comment,
    add_file,
    delete_file,
    find_record,
    list_comments,
    list_files,
    open_file,
    set_file_visibility,
)
from core.context import Ctx
from core.i18n import N_
from core.uploads import content_disposition, max_upload_bytes
from core.web.forms import safe_next
from core.web.rendering import Page, html_response, render
from core.web.sessions import flash

RECORD = "/records/{record_type:str}/{record_id:int}"
PANELS = {"comments": "comments_section", "files": "files_section"}


def _is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"


async def _panel(
    ctx: Ctx,
    request: Request[Any, Any, Any],
    panel: str,
    target: RecordRef,
    next_url: str | None,
    *,
    status_code: int = 200,
    error: str = "",
    form: dict[str, str] | None = None,
) -> Page:
    """The panel alone for htmx, else on a page of its own that links back to the record."""
    if panel == "comments":
        items: list[Any] = await list_comments(ctx, target.kind_key, target.record_id)
    else:
        items = await list_files(ctx, target.kind_key, target.record_id)
    context = {
        "panel": panel,
        "target": target,
        "items": items,
        "next": safe_next(next_url, target.url),
        "error": error,
        "form": form or {},
    }
    if _is_htmx(request):
        return html_response(ctx.templates, "core/comments/panel.html", {"ctx": ctx, **context}, request, status_code)
    return await render(ctx, "core/comments/page.html", status_code=status_code, **context)


def _done(ctx: Ctx, next_url: str | None, target: RecordRef, message: str) -> Redirect:
    flash(ctx.session, ctx._(message))
    return Redirect(safe_next(next_url, target.url))


class CommentsController(Controller):
    path = RECORD

    @get("/comments", opt={"permission": "core.comments"})
    async def comments(
        self, ctx: Ctx, request: Request[Any, Any, Any], record_type: FromPath[str], record_id: FromPath[int]
    ) -> Page:
        target = await find_record(ctx, record_type, record_id)
        return await _panel(ctx, request, "comments", target, request.query_params.get("next"))

    @post("/comments", opt={"permission": "core.comments"})
    async def add(
        self, ctx: Ctx, request: Request[Any, Any, Any], record_type: FromPath[str], record_id: FromPath[int]
    ) -> Response[Any]:
        target = await find_record(ctx, record_type, record_id)
        form = await request.form()
        body = form.get("body") if isinstance(form.get("body"), str) else ""
        next_url = form.get("next") if isinstance(form.get("next"), str) else None
        try:
            await add_comment(ctx, record_type, record_id, body or "")
        except InputError as refused:
            message = ctx._(refused.message, **refused.values)
            return await _panel(
                ctx, request, "comments", target, next_url, status_code=400, error=message, form={"body": body or ""}
            )
        await ctx.db.commit()
        if _is_htmx(request):
            return await _panel(ctx, request, "comments", target, next_url)
        return _done(ctx, next_url, target, N_("Your comment was added."))


class RecordFilesController(Controller):
    path = RECORD

    @get("/files", opt={"permission": "core.comments"})
    async def files(
        self, ctx: Ctx, request: Request[Any, Any, Any], record_type: FromPath[str], record_id: FromPath[int]
    ) -> Page:
        target = await find_record(ctx, record_type, record_id)
        return await _panel(ctx, request, "files", target, request.query_params.get("next"))

    @post("/files", opt={"permission": "core.files.upload"})
    async def upload(
        self, ctx: Ctx, request: Request[Any, Any, Any], record_type: FromPath[str], record_id: FromPath[int]
    ) -> Response[Any]:
        target = await find_record(ctx, record_type, record_id)
        try:
            # Litestar stops reading a body beyond core.uploads.request_body_limit (413).
            form = await request.form()
        except HTTPException as exc:
            if exc.status_code != 413:
                raise
            return await self._refused(ctx, request, target, None, InputError(_TOO_LARGE, 413))
        next_url = form.get("next") if isinstance(form.get("next"), str) else None
        upload = form.get("file")
        try:
            data = await _read_limited(ctx, upload)
            await add_file(
                ctx,
                record_type,
                record_id,
                data=data,
                filename=upload.filename if isinstance(upload, UploadFile) else None,
                visible_in_portal=form.get("visible_in_portal") == "1",
            )
        except InputError as refused:
            return await self._refused(ctx, request, target, next_url, refused)
        await ctx.db.commit()
        if _is_htmx(request):
            return await _panel(ctx, request, "files", target, next_url)
        return _done(ctx, next_url, target, N_("The file was uploaded."))

    async def _refused(
        self, ctx: Ctx, request: Request[Any, Any, Any], target: RecordRef, next_url: str | None, refused: InputError
    ) -> Page:
        values = refused.values or {"size": ctx.portico.settings.max_upload_mb}
        message = ctx._(refused.message, **values)
        return await _panel(ctx, request, "files", target, next_url, status_code=refused.status_code, error=message)


_TOO_LARGE = N_("The file is larger than {size} MB, the most this portal accepts.")


async def _read_limited(ctx: Ctx, upload: Any) -> bytes:
    """The uploaded bytes, reading at most one byte past the limit (the rest is refused anyway)."""
    if not isinstance(upload, UploadFile):
        raise InputError(N_("Choose a file to upload."))
    limit = max_upload_bytes(ctx.portico.settings)
    try:
        data = await upload.read(limit + 1)
    finally:
        await upload.close()
    if len(data) > limit:
        raise InputError(_TOO_LARGE, 413, size=ctx.portico.settings.max_upload_mb)
    return data


class FilesController(Controller):
    path = "/files/{file_id:int}"

    @get("/", opt={"permission": "core.comments"})
    async def download(self, ctx: Ctx, file_id: FromPath[int]) -> Response[bytes]:
        row, data = await open_file(ctx, file_id)
        return Response(
            data,
            # Litestar appends "; charset=utf-8" to every text/ type itself (text files are UTF-8 only).
            media_type=row.content_type.partition(";")[0],
            headers={
                "Content-Disposition": content_disposition(row.name),
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, no-store",
                "Content-Security-Policy": "default-src 'none'; sandbox",
            },
        )

    @post("/visibility", opt={"permission": "core.files.manage"})
    async def visibility(self, ctx: Ctx, request: Request[Any, Any, Any], file_id: FromPath[int]) -> Response[Any]:
        form = await request.form()
        visible = form.get("visible")
        next_url = form.get("next") if isinstance(form.get("next"), str) else None
        if visible not in ("0", "1"):
            raise ClientException(
                N_("Say whether the file should be shown in the portal (visible=1) or not (visible=0).")
            )
        row = await set_file_visibility(ctx, file_id, visible == "1")
        target = await find_record(ctx, row.record_type, row.record_id)
        await ctx.db.commit()
        if _is_htmx(request):
            return await _panel(ctx, request, "files", target, next_url)
        message = (
            N_("The file is now shown in the portal.")
            if row.visible_in_portal
            else N_("The file is now for staff only.")
        )
        return _done(ctx, next_url, target, message)

    @post("/delete", opt={"permission": "core.files.manage"})
    async def delete(self, ctx: Ctx, request: Request[Any, Any, Any], file_id: FromPath[int]) -> Response[Any]:
        form = await request.form()
        next_url = form.get("next") if isinstance(form.get("next"), str) else None
        target, key = await delete_file(ctx, file_id)
        await ctx.db.commit()
        await ctx.storage.delete(key)
        if _is_htmx(request):
            return await _panel(ctx, request, "files", target, next_url)
        return _done(ctx, next_url, target, N_("The file was deleted."))
