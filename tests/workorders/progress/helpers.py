"""Setting up work orders, parts, steps, stages and settings for the progress tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core.accounts import scoped
from core.db import Scope
from core.models import TenantModule
from core.tenancy import bump_config_version
from plugins.workorders.models import ProcessStep, ProgressEvent, Stage, Tag, WorkOrder, WorkOrderPart

#: A routing: (step name, tag name or None, name visible).
ROUTING = (
    ("Receive", "Receiving", True),
    ("Mill op 10", "Machining", True),
    ("Mill op 20", "Machining", False),
    ("Deburr", None, True),
    ("Inspect 1", "Inspection", True),
    ("Plate", "Plating", True),
    ("Inspect 2", "Inspection", True),
    ("Ship", "Shipping", True),
)
STAGES = (
    ("Received", "Receiving", False),
    ("Machining", "Machining", False),
    ("Inspection", "Inspection", True),
    ("Finishing", "Plating", False),
    ("Shipped", "Shipping", False),
)


async def tags(
    db, tenant, names: Sequence[str] = ("Receiving", "Machining", "Inspection", "Plating", "Shipping")
) -> dict[str, int]:
    async with scoped(db, Scope(tenant.id)):
        found = {t.name: t.id for t in await db.scalars(select(Tag))}
        for name in names:
            if name not in found:
                tag = Tag(name=name)
                db.add(tag)
                await db.flush()
                found[name] = tag.id
        await db.commit()
    return found


async def stages(db, tenant, rows=STAGES, customer=None) -> None:
    tag_ids = await tags(db, tenant)
    async with scoped(db, Scope(tenant.id)):
        db.add_all(
            Stage(
                customer_id=customer.id if customer else None,
                position=i,
                name=name,
                tag_id=tag_ids[tag],
                show_multiple=multiple,
            )
            for i, (name, tag, multiple) in enumerate(rows)
        )
        await db.commit()


async def order(
    db,
    tenant,
    customer,
    number: str,
    *,
    status: str = "in_progress",
    parts: int = 1,
    reached: int = 0,
    routing=ROUTING,
    part_prefix: str = "P",
    **fields: Any,
) -> WorkOrder:
    """A work order with ``parts`` parts on ``routing``, each with its first ``reached`` steps done."""
    tag_ids = await tags(db, tenant)
    async with scoped(db, Scope(tenant.id)):
        wo = WorkOrder(customer_id=customer.id, number=number, status=status, **fields)
        db.add(wo)
        await db.flush()
        now = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)
        for p in range(parts):
            part = WorkOrderPart(
                customer_id=customer.id,
                work_order_id=wo.id,
                position=p,
                part_number=f"{part_prefix}-{p + 1}",
                quantity=Decimal(10),
            )
            db.add(part)
            await db.flush()
            made = []
            for i, (name, tag, visible) in enumerate(routing):
                step = ProcessStep(
                    customer_id=customer.id,
                    part_id=part.id,
                    work_order_id=wo.id,
                    position=i,
                    name=name,
                    tag_id=tag_ids[tag] if tag else None,
                    name_visible=visible,
                )
                if i < reached:
                    step.status, step.started_at, step.completed_at = "done", now, now + dt.timedelta(hours=i + 1)
                elif i == reached:
                    step.status, step.started_at = "in_progress", now
                made.append(step)
            db.add_all(made)
            await db.flush()
            db.add_all(
                ProgressEvent(
                    customer_id=customer.id,
                    work_order_id=wo.id,
                    part_id=part.id,
                    step_id=step.id,
                    status=step.status,
                    at=step.completed_at or now,
                )
                for step in made
                if step.started_at is not None
            )
        await db.commit()
    return wo


async def settings(db, tenant, **values: Any) -> None:
    """Save module settings the way the admin form does (and tell the workers)."""
    async with scoped(db, Scope(tenant.id)):
        row = await db.scalar(select(TenantModule).where(TenantModule.module == "workorders"))
        row.settings = {**(row.settings or {}), **values}
        await bump_config_version(db, tenant.id)
        await db.commit()
