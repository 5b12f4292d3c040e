"""Publications: every time a document was sent, with the PDF snapshot that went out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, CustomerOwned, utcnow


class Publication(CustomerOwned, Base):
    """One sending of one document: version ``version`` of ``doc_type`` for record ``record_id``.

    ``customer_id`` is the record's account when it was sent, so a contact only ever finds the
    publications of their own accounts. ``storage_key`` names the PDF snapshot, which never
    changes: the customer downloads exactly what was emailed until the vendor sends again.
    ``recipients`` lists ``{"id", "email", "name"}`` of the contacts it went to.
    """

    __tablename__ = "core_publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(100))
    record_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("tenant_id", "doc_type", "record_id", "version"),
        Index("ix_core_publication_record", "doc_type", "record_id"),
    )
