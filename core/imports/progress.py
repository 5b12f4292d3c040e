"""How far a running import has come, readable while its transaction is still open.

The import writes every row in one transaction, so its progress cannot ride along in it. The
count is kept in this process (the worker that runs the job answers its own polls at once) and,
on PostgreSQL, written to the job row from a session of its own twice a second, for polls that
reach another worker. SQLite has a single writer, held by the import: there the count stays in
memory (a SQLite deployment is one process anyway).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from sqlalchemy import update

from core.db import Scope, set_scope
from core.imports.models import ImportJob

if TYPE_CHECKING:
    from core.app import Portico

WRITE_EVERY = 0.5  # seconds
_live: dict[int, int] = {}


def live_done(job_id: int) -> int | None:
    """Rows done so far by a job running in this process, or None."""
    return _live.get(job_id)


class Progress:
    def __init__(self, portico: Portico, tenant_id: int, job_id: int) -> None:
        self.portico = portico
        self.tenant_id = tenant_id
        self.job_id = job_id
        self.shared = portico.engine.dialect.name == "postgresql"
        self.written_at = 0.0

    async def report(self, done: int) -> None:
        _live[self.job_id] = done
        now = time.monotonic()
        if self.shared and now - self.written_at >= WRITE_EVERY:
            self.written_at = now
            async with self.portico.sessionmaker() as db:
                set_scope(db, Scope(self.tenant_id))
                await db.execute(update(ImportJob).where(ImportJob.id == self.job_id).values(done=done))
                await db.commit()

    def finish(self) -> None:
        _live.pop(self.job_id, None)
