"""The import pages: ``/admin/contacts/import`` for vendor staff, ``/users/import`` for customer admins.

Both are one controller class with two audiences; what differs (whose accounts, which roles)
lives in :class:`core.imports.checks.Reach`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import select

from core.accounts import customer_assignable_roles
from core.context import Ctx, RequestContext
from core.declarations import CUSTOMER_ADMIN, CUSTOMER_USER
from core.i18n import N_
from core.imports.checks import CUSTOMER, PROBLEMS, STAFF, check_rows, reach_of
from core.imports.csvfile import MAX_BYTES, MAX_ROWS, CsvError, check_upload, read_rows, sample_csv
from core.imports.models import CHECKED, DONE, FAILED, ImportJob
from core.imports.progress import live_done
from core.imports.runner import claim, start
from core.models import Customer
from core.storage import StorageError
from core.web.forms import form_data
from core.web.rendering import Page, html_response, render

PERMISSION_STAFF = "core.admin.contacts.import"
PERMISSION_CUSTOMER = "core.users.import"


class ImportController(Controller):
    """Upload and check, then import in the background while the page shows the progress."""

    audience: ClassVar[str] = STAFF
    title: ClassVar[str] = N_("Import contacts")
    sample_name: ClassVar[str] = "contacts-sample.csv"

    # --- pages ----------------------------------------------------------------------------------

    @get("/")
    async def show(self, ctx: Ctx) -> Page:
        return await self._upload_page(ctx)

    @post("/")
    async def upload(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        """The dry run: keep the file, check every row, show the report; nobody is created yet."""
        assert ctx.user is not None
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await self._upload_page(ctx, ctx._("Choose a CSV file to upload."), 400)
        data = await upload.read(MAX_BYTES + 1)
        try:
            check_upload(upload.filename, data)
            rows = read_rows(data)
        except CsvError as refused:
            return await self._upload_page(ctx, ctx._(refused.msgid, **refused.values), 400)
        if not rows:
            return await self._upload_page(ctx, ctx._("The file has a header but no people."), 400)
        report = await check_rows(ctx.db, ctx.tenant.id, reach_of(ctx, self.audience), rows)
        job = ImportJob(
            created_by=ctx.user.id,
            audience=self.audience,
            filename=upload.filename[-200:],
            file_key=await ctx.storage.save(ctx.tenant.id, data, suffix=".csv"),
            total=report.total,
            errors=report.bad,
        )
        ctx.db.add(job)
        await ctx.db.commit()
        return Redirect(f"{self.path}/{job.id}")

    @get("/sample.csv")
    async def sample(self, ctx: Ctx) -> Response[str]:
        return Response(
            sample_csv(await self._sample_site(ctx), self._sample_roles(ctx)),
            media_type="text/csv",  # Litestar adds "; charset=utf-8" to text/ types
            headers={"Content-Disposition": f'attachment; filename="{self.sample_name}"'},
        )

    @get("/{job_id:int}")
    async def job(self, ctx: Ctx, job_id: FromPath[int]) -> Page:
        return await self._job_page(ctx, await self._own_job(ctx, job_id))

    @post("/{job_id:int}/run")
    async def run(self, ctx: Ctx, job_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        """Check the kept file again and, if it may go ahead, start the import in the background."""
        job = await self._own_job(ctx, job_id)
        if job.state != CHECKED or job.file_key is None:
            return Redirect(f"{self.path}/{job.id}")  # already started (a second click)
        skip = (await form_data(request)).get("skip") == "1"
        try:
            rows = read_rows(await ctx.storage.read(job.file_key))
        except (StorageError, CsvError):
            raise NotFoundException() from None
        report = await check_rows(ctx.db, ctx.tenant.id, reach_of(ctx, self.audience), rows)
        job.errors, job.total, job.failure = report.bad, report.total, None
        if not report.good:
            await ctx.db.commit()
            return await self._job_page(ctx, job, ctx._("No row can be imported: correct the file first."), 400)
        if report.bad and not skip:
            await ctx.db.commit()
            message = ctx._(
                "Some rows have problems, so nothing was imported. Correct the file, or tick “{skip}”.",
                skip=ctx._("Skip the rows with problems"),
            )
            return await self._job_page(ctx, job, message, 400)
        await ctx.db.flush()
        if await claim(ctx, job, skip, len(report.good)):
            await ctx.db.commit()
            start(ctx, job.id)
        return Redirect(f"{self.path}/{job.id}")

    @get("/{job_id:int}/progress")
    async def progress(self, ctx: Ctx, job_id: FromPath[int]) -> Page:
        """The progress bar (or, once finished, the result) that the job page polls every second."""
        job = await self._own_job(ctx, job_id)
        return html_response(
            ctx.templates, "core/imports/progress.html", {"ctx": ctx, **self._progress(ctx, job)}, ctx.request
        )

    # --- helpers --------------------------------------------------------------------------------

    async def _own_job(self, ctx: RequestContext, job_id: int) -> ImportJob:
        """The job, if this person started it on this page; anyone else's answers 404."""
        assert ctx.user is not None
        job = await ctx.db.get(ImportJob, job_id, populate_existing=True)
        if job is None or job.created_by != ctx.user.id or job.audience != self.audience:
            raise NotFoundException()
        return job

    async def _upload_page(self, ctx: RequestContext, error: str | None = None, status: int = 200) -> Page:
        assert ctx.user is not None
        recent = await ctx.db.execute(
            select(ImportJob)
            .where(ImportJob.created_by == ctx.user.id, ImportJob.audience == self.audience)
            .order_by(ImportJob.id.desc())
            .limit(10)
        )
        return await render(
            ctx,
            "core/imports/upload.html",
            status_code=status,
            title=self.title,
            base=self.path,
            audience=self.audience,
            error=error,
            recent=list(recent.scalars()),
            max_mb=MAX_BYTES // (1024 * 1024),
            max_rows=MAX_ROWS,
            roles=self._sample_roles(ctx),
        )

    async def _job_page(self, ctx: RequestContext, job: ImportJob, error: str | None = None, status: int = 200) -> Page:
        return await render(
            ctx,
            "core/imports/job.html",
            status_code=status,
            title=self.title,
            error=error,
            **self._progress(ctx, job),
        )

    def _progress(self, ctx: RequestContext, job: ImportJob) -> dict[str, Any]:
        done = job.done if job.state in (DONE, FAILED, CHECKED) else max(job.done, live_done(job.id) or 0)
        return {
            "job": job,
            "base": self.path,
            "done": done,
            "percent": 100 if job.state == DONE else (100 * done // job.total if job.total else 0),
            "problems": [
                (row["line"], row["email"], [_describe(ctx, p) for p in row["problems"]]) for row in job.errors
            ],
        }

    async def _sample_site(self, ctx: RequestContext) -> str:
        assert ctx.user is not None
        if self.audience == CUSTOMER:
            own = await ctx.db.get(Customer, ctx.user.customer_id)
            return own.name if own is not None else ""
        first = await ctx.db.scalar(select(Customer.name).order_by(Customer.parent_id.is_(None), Customer.id).limit(1))
        return first or "Example Site"

    def _sample_roles(self, ctx: RequestContext) -> tuple[str, str]:
        if self.audience == STAFF:
            return (CUSTOMER_USER, CUSTOMER_ADMIN)
        allowed = customer_assignable_roles(ctx.tenant) or [CUSTOMER_USER]
        return (allowed[-1], allowed[0])


def _describe(ctx: RequestContext, problem: dict[str, Any]) -> str:
    msgid = PROBLEMS.get(problem.get("code", ""))
    return ctx._(msgid, **problem.get("values", {})) if msgid else str(problem.get("code"))


class ContactImportController(ImportController):
    path = "/admin/contacts/import"
    opt = {"permission": PERMISSION_STAFF}


class UserImportController(ImportController):
    path = "/users/import"
    opt = {"permission": PERMISSION_CUSTOMER}
    audience = CUSTOMER
    title = N_("Import users")
    sample_name = "users-sample.csv"
