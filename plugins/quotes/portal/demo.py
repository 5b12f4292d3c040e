"""Demo data: per site, quotes and orders at every stage, sent so that the site's contacts see them.

Per site: a quote awaiting approval (three lines), one partly approved, one approved with its
approval record, an expired one and a draft never sent; an order pending approval with a payment
schedule, one in progress, two completed (to reorder) and a reorder request waiting for the vendor.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import core
from core import SeedContext, utcnow
from plugins.quotes.models import ORDER, QUOTE, Approval, ChangeRequest, PaymentInstallment, Quote, QuoteLine
from plugins.quotes.portal.visibility import DOCUMENT_KEY
from plugins.quotes.pricing import apply_totals

TERMS = "I have reviewed the lines I am approving and authorise the vendor to proceed."

#: item, description, quantity, unit price in cents, taxable
CATALOG = (
    ("BRK-220", "Mounting bracket, powder-coated steel", "40", 1850, True),
    ("SHF-12", "Drive shaft, 12 mm, hardened", "12", 6420, True),
    ("FIX-01", "Welding fixture (one-time tooling)", "1", 125000, False),
    ("PLT-8", "Cover plate, laser-cut 8 mm aluminium", "25", 2275, True),
    ("GSK-3", "Gasket set, nitrile", "100", 145, True),
    ("ASM-90", "Sub-assembly with bearings, tested", "6", 31900, True),
)

#: kind, status, name, line indexes, how many lines are approved, sent
RECORDS: tuple[tuple[str, str, str, tuple[int, ...], int, bool], ...] = (
    (QUOTE, "open", "Brackets and shafts for line 2", (0, 1, 2), 0, True),
    (QUOTE, "open", "Cover plates, spring batch", (3, 4), 1, True),
    (QUOTE, "approved", "Gearbox sub-assemblies", (5, 4), 2, True),
    (QUOTE, "expired", "Fixture rework", (2,), 0, True),
    (QUOTE, "draft", "Spare gaskets (being priced)", (4,), 0, False),
    (ORDER, "pending_approval", "Conveyor retrofit", (0, 3, 5), 0, True),
    (ORDER, "in_progress", "Shafts, monthly call-off", (1,), 1, True),
    (ORDER, "completed", "Brackets, first batch", (0, 4), 2, True),
    (ORDER, "completed", "Cover plates", (3,), 1, True),
)


async def seed_demo(db: AsyncSession, seed: SeedContext) -> None:
    contacts = list((await db.scalars(select(core.User).where(core.User.id.in_(seed.contact_user_ids)))).all())
    rep_id = seed.staff_user_ids[0] if seed.staff_user_ids else None
    today = dt.date.today()
    numbers = {QUOTE: 0, ORDER: 0}
    made: list[tuple[Quote, bool]] = []
    for site_index, site_id in enumerate(seed.site_customer_ids):
        site_people = [c for c in contacts if c.customer_id == site_id] or contacts
        contact = site_people[0] if site_people else None
        for index, (kind, status, name, picks, approved, sent) in enumerate(RECORDS):
            numbers[kind] += 1
            age = 3 + index * 9 + site_index * 2
            quote = Quote(
                kind=kind,
                customer_id=site_id,
                number=f"{'Q' if kind == QUOTE else 'SO'}-{numbers[kind]:05d}",
                name=name,
                status=status,
                contact_id=contact.id if contact else None,
                sales_rep_id=rep_id,
                quote_date=today - dt.timedelta(days=age),
                valid_until=today + dt.timedelta(days=30 - age) if kind == QUOTE else None,
                target_date=today + dt.timedelta(days=21 - age) if kind == ORDER else None,
                completed_on=today - dt.timedelta(days=age - 2) if status == "completed" else None,
                bill_to="Globex Corporation\nAccounts Payable\n100 Industrial Way\nSpringfield",
                ship_to=f"Globex plant {site_index + 1}\nDock {index + 1}\n200 Mill Road\nSpringfield",
                customer_po=f"PO-{4400 + index + site_index * 20}" if kind == ORDER or approved else "",
                currency="USD",
                terms="Net 30",
                notes="Prices include packaging. Delivery ex works.",
                recurrence="Monthly" if status == "in_progress" else "",
                shipping_minor=4500 if index % 2 == 0 else 0,
                tax_rate_bp=825,
            )
            db.add(quote)
            await db.flush()
            lines = _lines(quote, picks)
            db.add_all(lines)
            await db.flush()
            if approved and contact is not None:
                await _approve(db, quote, lines[:approved], contact)
            apply_totals(quote, lines)
            if status == "approved":
                quote.approved_at = utcnow() - dt.timedelta(days=age - 1)
            if kind == ORDER and status == "pending_approval":
                _schedule(db, quote)
            if index == 1 and contact is not None:
                db.add(
                    ChangeRequest(
                        customer_id=site_id,
                        quote_id=quote.id,
                        user_id=contact.id,
                        message="Could you quote the cover plates in stainless steel as well?",
                    )
                )
            made.append((quote, sent))
        await db.flush()
        # A reorder of the first completed order, waiting for the vendor.
        completed = next(q for q, _ in reversed(made) if q.status == "completed" and q.customer_id == site_id)
        if contact is not None:
            numbers[ORDER] += 1
            again = Quote(
                kind=ORDER,
                customer_id=site_id,
                number=f"SO-{numbers[ORDER]:05d}",
                name=completed.name,
                status="requested",
                contact_id=contact.id,
                requested_by_id=contact.id,
                sales_rep_id=rep_id,
                source_id=completed.id,
                bill_to=completed.bill_to,
                ship_to=completed.ship_to,
                tax_rate_bp=completed.tax_rate_bp,
            )
            db.add(again)
            await db.flush()
            copied = _lines(again, (3,))
            db.add_all(copied)
            apply_totals(again, copied)
            again.awaiting_approval = False
    await db.flush()
    await _send(db, seed, [q for q, sent in made if sent])


def _lines(quote: Quote, picks: tuple[int, ...]) -> list[QuoteLine]:
    return [
        QuoteLine(
            customer_id=quote.customer_id,
            quote_id=quote.id,
            position=position,
            item=CATALOG[pick][0],
            description=CATALOG[pick][1],
            quantity=Decimal(CATALOG[pick][2]),
            unit_price_minor=CATALOG[pick][3],
            taxable=CATALOG[pick][4],
            status="completed"
            if quote.status == "completed"
            else ("in_progress" if quote.status == "in_progress" else "open"),
            needs_approval=quote.kind == QUOTE or quote.status in ("pending_approval", "quoted", "approved"),
        )
        for position, pick in enumerate(picks, start=1)
    ]


async def _approve(db: AsyncSession, quote: Quote, lines: list[QuoteLine], contact: Any) -> None:
    when = utcnow() - dt.timedelta(days=1)
    approval = Approval(
        customer_id=quote.customer_id,
        quote_id=quote.id,
        user_id=contact.id,
        approved_at=when,
        typed_name=contact.display_name,
        terms_text=TERMS,
        line_count=len(lines),
    )
    db.add(approval)
    await db.flush()
    for line in lines:
        line.needs_approval = True
        line.approved_at = when
        line.approval_id = approval.id
        if line.status == "open":
            line.status = "approved"
    apply_totals(quote, lines)
    approval.amount_minor = sum(line.amount_minor for line in lines)


def _schedule(db: AsyncSession, order: Quote) -> None:
    today = dt.date.today()
    half = order.total_minor // 2
    db.add_all(
        [
            PaymentInstallment(
                customer_id=order.customer_id,
                quote_id=order.id,
                position=1,
                label="Deposit on approval",
                due_on=today + dt.timedelta(days=7),
                amount_minor=half,
            ),
            PaymentInstallment(
                customer_id=order.customer_id,
                quote_id=order.id,
                position=2,
                label="Balance on delivery",
                due_on=today + dt.timedelta(days=40),
                amount_minor=order.total_minor - half,
            ),
        ]
    )


async def _send(db: AsyncSession, seed: SeedContext, records: list[Quote]) -> None:
    """Send (publish) the records to every contact who may see them, as the vendor would."""
    if seed.portico is None or not seed.staff_user_ids:
        return  # sending makes PDF files, which needs the portal's storage
    ctx = await core.context_for(seed.portico, db, seed.tenant_id, seed.staff_user_ids[0])
    for record in records:
        key = DOCUMENT_KEY[record.kind]
        contacts = await core.eligible_contacts(ctx, key, record)
        if contacts:
            await core.publish(ctx, key, record, contacts, message=f"Here is {record.number} for your review.")
