"""Comments and attached files, on any record of any plugin (a record type's key and the row's id)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, CustomerOwned, utcnow


class Comment(CustomerOwned, Base):
    """A remark on a record. ``customer_id`` is the record's account, so a contact sees the
    comments of their own accounts' records only; it is empty (staff only) for records of a type
    that belongs to no account."""

    __tablename__ = "core_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("core_customer.id"), index=True)  # type: ignore[assignment]
    record_type: Mapped[str] = mapped_column(String(100))
    record_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_core_comment_record", "record_type", "record_id"),)


class RecordFile(CustomerOwned, Base):
    """A file attached to a record. The bytes are in storage under ``storage_key``; ``name`` is
    the cleaned name the uploader's browser sent, for display and downloads only."""

    __tablename__ = "core_record_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("core_customer.id"), index=True)  # type: ignore[assignment]
    record_type: Mapped[str] = mapped_column(String(100))
    record_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    uploader_name: Mapped[str] = mapped_column(String(200), default="")
    visible_in_portal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_core_record_file_record", "record_type", "record_id"),)
