"""Running a checked import: the rows are created in one transaction, in a background task.

The task opens its own database session with the scope of the admin who started it (their
tenant and, for a customer admin, their account), so it sees and writes exactly what their
requests could.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import update

from core.access.links import send_invitation
from core.accounts import AccountError, create_user
from core.context import RequestContext
from core.db import Scope, get_scope, set_scope, utcnow
from core.i18n import N_
from core.imports.checks import check_rows, reach_of
from core.imports.csvfile import read_rows
from core.imports.models import CHECKED, DONE, FAILED, QUEUED, RUNNING, ImportJob
from core.imports.progress import Progress
from core.models import Tenant, User

if TYPE_CHECKING:
    from core.app import Portico

log = logging.getLogger("portico.imports")
# Tasks are held here so that the event loop's weak reference is not their only one.
_tasks: set[asyncio.Task[None]] = set()


async def claim(ctx: RequestContext, job: ImportJob, skip_bad: bool, rows: int) -> bool:
    """Mark a checked job queued to import ``rows`` rows; False when another request (a double
    click) got there first."""
    result: Any = await ctx.db.execute(
        update(ImportJob)
        .where(ImportJob.id == job.id, ImportJob.state == CHECKED)
        .values(state=QUEUED, skip_bad=skip_bad, total=rows, done=0, failure=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


def start(ctx: RequestContext, job_id: int) -> asyncio.Task[None]:
    """Run the (claimed and committed) job in the background, under the caller's scope."""
    scope = get_scope(ctx.db.sync_session)
    task = asyncio.get_running_loop().create_task(
        run_job(ctx.portico, scope, job_id, ctx.request), name=f"portico-import-{job_id}"
    )
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    return task


async def run_job(portico: Portico, scope: Scope, job_id: int, request: Any = None) -> None:
    """Check the stored file again (things change between the check and the import), then import.

    ``request`` is the one that started the job: invitation links are made from its address.
    """
    assert scope.tenant_id is not None
    progress = Progress(portico, scope.tenant_id, job_id)
    try:
        async with portico.sessionmaker() as db:
            set_scope(db, Scope(scope.tenant_id))
            tenant = await db.get(Tenant, scope.tenant_id)
            assert tenant is not None
            state = await portico.states.get(db, tenant)
            set_scope(db, scope)
            job = await db.get(ImportJob, job_id)
            user = await db.get(User, job.created_by) if job is not None else None
            if job is None or user is None or job.state != QUEUED or job.file_key is None:
                return
            ctx = RequestContext(
                portico, db, tenant, state, user=user, permissions=state.permissions_of(user.role_id), request=request
            )
            job.state = RUNNING
            await db.commit()
            await _import(ctx, job, progress)
    except Exception as exc:
        log.exception("import job %s failed", job_id)
        # A refusal of the domain reads well; a database error's text is for the log only.
        await _fail(portico, scope.tenant_id, job_id, str(exc) if isinstance(exc, AccountError) else "")
    finally:
        progress.finish()


async def _import(ctx: RequestContext, job: ImportJob, progress: Progress) -> None:
    assert job.file_key is not None
    rows = read_rows(await ctx.storage.read(job.file_key))
    report = await check_rows(ctx.db, ctx.tenant.id, reach_of(ctx, job.audience), rows)
    if report.bad and not job.skip_bad:
        # Rows went bad since the check (someone registered meanwhile): show the new report.
        job.state, job.errors, job.total = CHECKED, report.bad, report.total
        job.failure = N_("Some rows have problems now: nothing was imported. Check the report again.")
        await ctx.db.commit()
        return
    # The job row is not touched again before the commit: on PostgreSQL the progress updates
    # (another session) would wait for this transaction's row lock, and this one for them.
    for done, row in enumerate(report.good, start=1):
        user = await create_user(
            ctx.db,
            email=row.email,
            password=None,  # they choose one through the invitation
            role=row.role,
            customer_id=row.customer_id,
            first_name=row.first_name,
            last_name=row.last_name,
            title=row.title,
        )
        user.phone = row.phone
        if row.invite:
            await send_invitation(ctx, user)
        await progress.report(done)
    job.state, job.total, job.done, job.created = DONE, len(report.good), len(report.good), len(report.good)
    job.skipped, job.errors, job.finished_at = len(report.bad), report.bad, utcnow()
    key, job.file_key = job.file_key, None
    await ctx.db.commit()  # the people, their invitations and the job's result together
    await ctx.storage.delete(key)


async def _fail(portico: Portico, tenant_id: int, job_id: int, reason: str) -> None:
    """Record a failed import (nothing of it was written: its transaction was rolled back)."""
    async with portico.sessionmaker() as db:
        set_scope(db, Scope(tenant_id))
        job = await db.get(ImportJob, job_id)
        if job is None:
            return
        job.state, job.failure, job.finished_at = FAILED, reason[:300] or None, utcnow()
        key, job.file_key = job.file_key, None
        await db.commit()
        if key:
            await portico.storage.delete(key)


__all__ = ["claim", "run_job", "start"]
