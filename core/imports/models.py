"""An import of people from a CSV file: checked first, then run in the background."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TenantOwned, utcnow

# A job's life: checked (report shown, nothing written) -> queued -> running -> done | failed.
CHECKED, QUEUED, RUNNING, DONE, FAILED = "checked", "queued", "running", "done", "failed"


class ImportJob(TenantOwned, Base):
    """One uploaded file and what became of it. Only the person who uploaded it sees it.

    The file itself stays in storage (``file_key``, a server-made key) between the check and the
    import; ``errors`` holds the rows with problems as ``{"line", "email", "problems": [...]}``.
    """

    __tablename__ = "core_import_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(16))  # "staff": vendor import; "customer": a customer admin's
    state: Mapped[str] = mapped_column(String(16), default=CHECKED)
    filename: Mapped[str] = mapped_column(String(200), default="")
    file_key: Mapped[str | None] = mapped_column(String(100))
    skip_bad: Mapped[bool] = mapped_column(Boolean, default=False)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    failure: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column()
