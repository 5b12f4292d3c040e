"""Document numbers ("Q-00042") that are unique across a vendor, whoever asks for the next one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from core.accounts import scoped
from core.db import Scope


async def next_number(
    db: AsyncSession, column: InstrumentedAttribute[str], prefix: str, tenant_id: int, *where: Any, width: int = 5
) -> str:
    """The number after the vendor's highest ``<prefix><digits>`` in ``column`` (``Quote.number``).

    Counted over the whole tenant even when a contact asks (a reorder), because the numbers are
    unique per vendor; ``where`` narrows the rows (``Quote.kind == "order"``). Numbers typed by
    people or an ERP in another shape are ignored. Two callers at the same instant can get the
    same number: keep a unique constraint on the column and retry on IntegrityError.
    """
    async with scoped(db, Scope(tenant_id)):
        highest = await db.scalar(
            select(func.max(column)).where(
                column.like(f"{prefix}%"), func.length(column) == len(prefix) + width, *where
            )
        )
    digits = highest[len(prefix) :] if highest else ""
    return f"{prefix}{(int(digits) if digits.isdigit() else 0) + 1:0{width}d}"
