"""Demo data: the vendor's types of work (one offered to one site only) and requests in every status."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Customer, RecordRef, SeedContext, User, next_number, sniff, store_comment, store_file, utcnow
from plugins.workorders.models import WorkOrder, WorkRequest, WorkType, WorkTypeCustomer

TYPES = (
    ("Repair", "Something broke or does not work as it should."),
    ("Preventive maintenance", "Scheduled service of equipment we installed."),
    ("Installation", "New equipment to be installed on site."),
)
SITE_ONLY = ("On-site calibration", "Calibration of measuring equipment at your plant.")
REQUESTS = (
    # (type index, status, description, question, decline reason)
    (0, "submitted", "Conveyor belt 2 slips under load since Monday.\nPlease check the drive roller.", "", ""),
    (1, "needs_info", "Yearly service of the two compressors in hall B.", "Which compressor models are they?", ""),
    (2, "accepted", "Install the new loading ramp at gate 4.", "", ""),
    (0, "declined", "Paint the visitor parking lines.", "", "Painting is not work we do; we recommend a local firm."),
)
ATTACHMENT = b"Conveyor 2: slipping starts at about 60% load. Photos follow.\n"


async def seed_requests(db: AsyncSession, seed: SeedContext) -> None:
    types = [WorkType(name=name, description=text, position=i) for i, (name, text) in enumerate(TYPES)]
    site_only = WorkType(name=SITE_ONLY[0], description=SITE_ONLY[1], position=len(TYPES), all_customers=False)
    db.add_all([*types, site_only])
    await db.flush()
    if seed.site_customer_ids:
        db.add(WorkTypeCustomer(work_type_id=site_only.id, customer_id=seed.site_customer_ids[0]))
    contacts = list(await db.scalars(select(User).where(User.id.in_(seed.contact_user_ids))))
    sites = list(await db.scalars(select(Customer).where(Customer.id.in_(seed.site_customer_ids))))
    today = utcnow().date()
    for site in sites:
        contact = next((c for c in contacts if c.customer_id == site.id), None)
        for days, (type_index, status, description, question, reason) in enumerate(REQUESTS):
            request = WorkRequest(
                customer_id=site.id,
                number=await next_number(db, WorkRequest.number, "WR-", seed.tenant_id),
                work_type_id=types[type_index].id,
                requested_by_id=contact.id if contact else None,
                description=description,
                preferred_on=today + dt.timedelta(days=7 + days * 3),
                status=status,
                question=question,
                decline_reason=reason,
                created_at=utcnow() - dt.timedelta(days=10 - days),
                decided_at=utcnow() - dt.timedelta(days=1) if status in ("accepted", "declined") else None,
            )
            db.add(request)
            await db.flush()
            record = RecordRef.of("workorders.request", request)
            if status == "needs_info":
                store_comment(db, record, body=question, author_id=None, author_name="Service desk")
            if status == "accepted":
                order = WorkOrder(
                    customer_id=site.id,
                    number=await next_number(db, WorkOrder.number, "WO-", seed.tenant_id),
                    title=f"{types[type_index].name}: {description.splitlines()[0]}"[:200],
                    kind="install",
                    status="planned",
                    due_on=request.preferred_on,
                    notes=description,
                    contact_id=request.requested_by_id,
                )
                db.add(order)
                await db.flush()
                request.work_order_id = order.id
            if status == "submitted" and seed.storage is not None:
                kind = sniff(ATTACHMENT)
                if kind is not None:
                    await store_file(
                        db,
                        seed.storage,
                        record,
                        data=ATTACHMENT,
                        kind=kind,
                        name="conveyor-notes.txt",
                        uploaded_by=request.requested_by_id,
                        uploader_name=contact.display_name if contact else "",
                        visible_in_portal=True,
                    )
    await db.flush()
