"""Demo data of the vendor's side: staff notes, one with a picture, on the demo work orders.

The work orders themselves (with parts at different stages) are seeded by the ``progress`` part,
which runs first; without any, there is nothing to add.
"""

from __future__ import annotations

import struct
import zlib

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import SeedContext, sniff
from plugins.workorders.models import WorkOrder, WorkOrderNote

NOTES = (
    "Material arrived and passed incoming inspection; machining starts Monday.",
    "First article measured: all dimensions within tolerance. Photo of the primed batch attached.",
)


def demo_picture(width: int = 48, height: int = 32) -> bytes:
    """A small PNG (a grey-blue gradient), made here so the demo needs no image file."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((90 + 2 * x, 110 + 2 * y, 160)) for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


async def seed_notes(db: AsyncSession, seed: SeedContext) -> None:
    orders = list(await db.scalars(select(WorkOrder).order_by(WorkOrder.id).limit(len(NOTES))))
    author = seed.staff_user_ids[0] if seed.staff_user_ids else None
    for index, (order, body) in enumerate(zip(orders, NOTES, strict=False)):
        note = WorkOrderNote(
            customer_id=order.customer_id, work_order_id=order.id, author_id=author, from_customer=False, body=body
        )
        if index == 1 and seed.storage is not None:
            picture = demo_picture()
            kind = sniff(picture)
            assert kind is not None
            note.picture_key = await seed.storage.save(seed.tenant_id, picture, suffix=kind.extension)
            note.picture_type, note.picture_name = kind.content_type, "primed-batch.png"
        db.add(note)
    await db.flush()
