"""Demo data: tags, the vendor's stages, one site's own stage list, and per site a production order
with parts at different stages, a service order, an installation on hold and a completed order,
with steps, progress events, notes (one with a picture) and a sent work order PDF.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    SeedContext,
    User,
    context_for,
    eligible_contacts,
    next_number,
    publish,
    utcnow,
)
from plugins.workorders.models import (
    ProcessStep,
    ProgressEvent,
    Stage,
    Tag,
    WorkOrder,
    WorkOrderNote,
    WorkOrderPart,
)

TAGS = ("Receiving", "Machining", "Plating", "Inspection", "Shipping", "Scheduling", "On site", "Commissioning")
#: The vendor's stages: (name, tag, show_multiple).
TENANT_STAGES = (
    ("Received", "Receiving", False),
    ("Machining", "Machining", False),
    ("Finishing", "Plating", False),
    ("Inspection", "Inspection", True),
    ("Shipped", "Shipping", False),
    ("Scheduled", "Scheduling", False),
    ("Technician on site", "On site", False),
    ("Commissioned", "Commissioning", False),
)
#: The first site's own list: fewer, coarser stages (it replaces the vendor's for that site).
SITE_STAGES = (
    ("In production", "Machining", False),
    ("Quality check", "Inspection", False),
    ("Ready to ship", "Shipping", False),
    ("Scheduled", "Scheduling", False),
    ("Technician on site", "On site", False),
)
#: A machined part's routing: (step name, tag or None, customers see the name).
MACHINED = (
    ("Receive bar stock", "Receiving", True),
    ("Saw cut to length", "Machining", True),
    ("CNC mill op 10", "Machining", True),
    ("CNC mill op 20", "Machining", True),
    ("Deburr", None, True),
    ("In-process inspection", "Inspection", True),
    ("Anodize at Brightline Plating", "Plating", False),
    ("Final inspection", "Inspection", True),
    ("Pack and ship", "Shipping", True),
)
SERVICE = (
    ("Schedule the visit", "Scheduling", True),
    ("Travel", None, False),
    ("Replace spindle bearings", "On site", True),
    ("Test run", "Commissioning", True),
)
INSTALL = (
    ("Site survey", "Scheduling", True),
    ("Deliver conveyor sections", "Shipping", True),
    ("Mechanical install", "On site", True),
    ("Electrical hook-up by subcontractor", "On site", False),
    ("Commissioning and handover", "Commissioning", True),
)


def tiny_png(width: int = 160, height: int = 100) -> bytes:
    """A small drawing (a grey block with a red mark on its flat side), so the demo has a picture
    without shipping a file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    def pixel(x: int, y: int) -> bytes:
        if 60 <= x < 100 and 44 <= y < 56:
            return bytes((200, 40, 40))
        if 20 <= x < 140 and 20 <= y < 80:
            return bytes((120, 125, 135))
        return bytes((226, 229, 234))

    rows = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


async def _tags(db: AsyncSession) -> dict[str, int]:
    """The demo tags by name (another part of the module may have made some already)."""
    found = {tag.name: tag.id for tag in await db.scalars(select(Tag).where(Tag.name.in_(TAGS)))}
    for name in TAGS:
        if name not in found:
            tag = Tag(name=name)
            db.add(tag)
            await db.flush()
            found[name] = tag.id
    return found


def _stages(tags: dict[str, int], rows: tuple[tuple[str, str, bool], ...], customer_id: int | None) -> list[Stage]:
    return [
        Stage(customer_id=customer_id, position=i, name=name, tag_id=tags[tag], show_multiple=multiple)
        for i, (name, tag, multiple) in enumerate(rows, start=1)
    ]


class _Orders:
    """Adds orders, parts and steps with consistent statuses, timestamps and progress events."""

    def __init__(self, db: AsyncSession, tags: dict[str, int], first_number: str, now: dt.datetime) -> None:
        self.db = db
        self.tags = tags
        self.counter = int(first_number.split("-")[1])
        self.now = now

    def number(self) -> str:
        number = f"WO-{self.counter:05d}"
        self.counter += 1
        return number

    async def order(self, customer_id: int, **fields: object) -> WorkOrder:
        order = WorkOrder(customer_id=customer_id, number=self.number(), **fields)
        self.db.add(order)
        await self.db.flush()
        return order

    async def part(
        self,
        order: WorkOrder,
        position: int,
        part_number: str,
        description: str,
        quantity: int,
        routing: tuple[tuple[str, str | None, bool], ...],
        reached: int,
        staff_id: int | None,
        hours_ago: int = 0,
    ) -> WorkOrderPart:
        """A part whose first ``reached`` steps are done (and the next one started, if any), the
        last move about ``hours_ago`` hours ago."""
        finished = reached >= len(routing)
        done_quantity = quantity if finished else (quantity // 2 if reached > len(routing) // 2 else 0)
        part = WorkOrderPart(
            customer_id=order.customer_id,
            work_order_id=order.id,
            position=position,
            part_number=part_number,
            description=description,
            quantity=Decimal(quantity),
            quantity_done=Decimal(done_quantity),
        )
        self.db.add(part)
        await self.db.flush()
        # A step takes six hours and the next starts two hours later; parts move at different times.
        start = self.now - dt.timedelta(hours=hours_ago + reached * 8 + 1 + position * 2)
        for index, (name, tag, visible) in enumerate(routing):
            step = ProcessStep(
                customer_id=order.customer_id,
                part_id=part.id,
                work_order_id=order.id,
                position=(index + 1) * 10,
                name=name,
                tag_id=self.tags[tag] if tag else None,
                name_visible=visible,
            )
            if index < reached:
                step.status = "done"
                step.started_at = start + dt.timedelta(hours=index * 8)
                step.completed_at = step.started_at + dt.timedelta(hours=6)
            elif index == reached:
                step.status = "in_progress"
                step.started_at = start + dt.timedelta(hours=index * 8)
            self.db.add(step)
            await self.db.flush()
            for status, at in (("in_progress", step.started_at), ("done", step.completed_at)):
                if at is not None:
                    self.db.add(
                        ProgressEvent(
                            customer_id=order.customer_id,
                            work_order_id=order.id,
                            part_id=part.id,
                            step_id=step.id,
                            status=status,
                            at=at,
                            user_id=staff_id,
                        )
                    )
        return part


async def seed_demo(db: AsyncSession, seed: SeedContext) -> None:
    tags = await _tags(db)
    db.add_all(_stages(tags, TENANT_STAGES, None))
    if seed.site_customer_ids:
        db.add_all(_stages(tags, SITE_STAGES, seed.site_customer_ids[0]))
    contacts = list(await db.scalars(select(User).where(User.id.in_(seed.contact_user_ids))))
    staff_id = seed.staff_user_ids[0] if seed.staff_user_ids else None
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    today = now.date()
    orders = _Orders(db, tags, await next_number(db, WorkOrder.number, "WO-", seed.tenant_id), now)
    to_send: list[WorkOrder] = []
    for site_id in seed.site_customer_ids:
        contact = next((c.id for c in contacts if c.customer_id == site_id), None)
        production = await orders.order(
            site_id,
            title="Hydraulic manifold blocks",
            kind="production",
            status="in_progress",
            customer_po="PO-7731",
            due_on=today + dt.timedelta(days=12),
            contact_id=contact,
        )
        await orders.part(production, 1, "MB-200-A", "Manifold block, 6061-T6", 40, MACHINED, 2, staff_id)
        await orders.part(production, 2, "MB-200-B", "Manifold block, anodized", 40, MACHINED, 6, staff_id)
        await orders.part(production, 3, "CV-14", "Cover plate", 80, MACHINED, 8, staff_id)
        await orders.part(production, 4, "GK-9", "Gasket kit", 40, MACHINED, 0, staff_id)
        db.add(
            WorkOrderNote(
                customer_id=site_id,
                work_order_id=production.id,
                author_id=staff_id,
                body="Material certificates for the bar stock are attached to the packing slip.",
            )
        )
        if contact is not None:
            note = WorkOrderNote(
                customer_id=site_id,
                work_order_id=production.id,
                author_id=contact,
                from_customer=True,
                body="Please mark each block with our part number on the flat side.",
            )
            if seed.storage is not None:
                note.picture_key = await seed.storage.save(seed.tenant_id, tiny_png(), suffix=".png")
                note.picture_name = "marking-position.png"
                note.picture_type = "image/png"
            db.add(note)
        to_send.append(production)

        service = await orders.order(
            site_id,
            title="Spindle service, lathe 4",
            kind="service",
            status="in_progress",
            customer_po="PO-7802",
            due_on=today + dt.timedelta(days=3),
            contact_id=contact,
        )
        await orders.part(service, 1, "SRV-SPINDLE", "Spindle bearing replacement", 1, SERVICE, 2, staff_id, 5)

        install = await orders.order(
            site_id,
            title="Conveyor line extension",
            kind="install",
            status="on_hold",
            customer_po="PO-7815",
            due_on=today + dt.timedelta(days=30),
            contact_id=contact,
        )
        await orders.part(install, 1, "CNV-EXT-12", "Conveyor sections, 12 m", 1, INSTALL, 1, staff_id, 30)
        db.add(
            WorkOrderNote(
                customer_id=site_id,
                work_order_id=install.id,
                author_id=staff_id,
                body="On hold until the floor anchors are approved by your facilities team.",
            )
        )

        await orders.order(
            site_id,
            title="Replacement gears",
            kind="production",
            status="planned",
            customer_po="PO-7840",
            due_on=today + dt.timedelta(days=45),
            contact_id=contact,
        )

        completed = await orders.order(
            site_id,
            title="Bracket run, spring batch",
            kind="production",
            status="completed",
            customer_po="PO-7602",
            due_on=today - dt.timedelta(days=20),
            completed_on=today - dt.timedelta(days=22),
            contact_id=contact,
        )
        await orders.part(completed, 1, "BR-77", "Mounting bracket", 200, MACHINED, len(MACHINED), staff_id, 24 * 22)
    await db.flush()
    if seed.portico is None or staff_id is None:
        return  # sending makes a PDF file, which needs the portal's storage
    ctx = await context_for(seed.portico, db, seed.tenant_id, staff_id)
    for order in to_send:
        recipients = [
            c for c in await eligible_contacts(ctx, "workorders.order", order) if c.customer_id == order.customer_id
        ]
        if recipients:
            await publish(ctx, "workorders.order", order, recipients, message="The current state of your work order.")
