"""Writing quotes and orders, their lines and payment rows: the checks and the writes, without HTTP.

The admin pages and the JSON API both call these. Nothing is written until every check passed,
so a refused save leaves the record as it was. Totals are always recomputed on the server.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import fields as dataclass_fields
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import N_, Customer, User, next_number, utcnow
from plugins.quotes.admin.fields import (
    MAX_MINOR,
    MAX_QUANTITY,
    RECURRENCES,
    LineFields,
    PaymentFields,
    Problem,
    Problems,
    QuoteFields,
)
from plugins.quotes.models import LINE_STATUSES, ORDER, QUOTE, STATUSES, PaymentInstallment, Quote, QuoteLine
from plugins.quotes.pricing import apply_totals, line_amount, tax_on

PREFIXES = {QUOTE: "Q-", ORDER: "SO-"}
CURRENCY = re.compile(r"^[A-Z]{3}$")
TEXT_LIMITS = {
    "number": 40,
    "name": 200,
    "external_ref": 80,
    "customer_po": 60,
    "terms": 200,
    "bill_to": 2000,
    "ship_to": 2000,
    "notes": 10000,
}


async def suggested_number(db: AsyncSession, tenant_id: int, kind: str) -> str:
    return await next_number(db, Quote.number, PREFIXES[kind], tenant_id, Quote.kind == kind)


async def number_taken(db: AsyncSession, kind: str, number: str, quote_id: int | None) -> bool:
    query = select(Quote.id).where(Quote.kind == kind, Quote.number == number)
    if quote_id is not None:
        query = query.where(Quote.id != quote_id)
    return await db.scalar(query.limit(1)) is not None


async def check_quote(db: AsyncSession, kind: str, values: QuoteFields, quote_id: int | None) -> list[Problem]:
    """Every problem of a quote's own fields (not its lines), checked against the database."""
    problems: list[Problem] = []
    for name, limit in TEXT_LIMITS.items():
        text = getattr(values, name)
        if text is not None and len(text) > limit:
            problems.append(Problem(name, N_("Use at most {limit} characters."), limit=limit))
    if not values.number.strip():
        problems.append(Problem("number", N_("Enter a number.")))
    elif await number_taken(db, kind, values.number, quote_id):
        problems.append(Problem("number", N_("The number {number} is already used."), status=409, number=values.number))
    if values.status not in STATUSES[kind]:
        problems.append(Problem("status", N_("Choose one of: {choices}."), choices=", ".join(STATUSES[kind])))
    customer = await db.get(Customer, values.customer_id)
    if customer is None:
        problems.append(Problem("customer_id", N_("Choose one of your customer accounts.")))
    if values.contact_id is not None and (
        customer is None or not await _is_contact_of(db, values.contact_id, customer)
    ):
        problems.append(Problem("contact_id", N_("Choose a contact of this customer account.")))
    if values.sales_rep_id is not None and not await _is_staff(db, values.sales_rep_id):
        problems.append(Problem("sales_rep_id", N_("Choose one of your staff.")))
    if not CURRENCY.match(values.currency):
        problems.append(Problem("currency", N_("Enter a three-letter currency code such as USD.")))
    if values.recurrence not in RECURRENCES:
        problems.append(
            Problem("recurrence", N_("Choose one of: {choices}."), choices=", ".join(r for r in RECURRENCES if r))
        )
    if not 0 <= values.shipping_minor <= MAX_MINOR:
        problems.append(Problem("shipping_minor", N_("Enter an amount between 0 and {most}."), most=MAX_MINOR))
    if not 0 <= values.tax_rate_bp <= 10_000:
        problems.append(Problem("tax_rate_bp", N_("Enter a tax rate between 0 and 100 %.")))
    if values.valid_until is not None and values.valid_until < values.quote_date:
        problems.append(Problem("valid_until", N_("This date is before the quote date.")))
    return problems


async def _is_contact_of(db: AsyncSession, user_id: int, customer: Customer) -> bool:
    """A contact of the account itself or of an account above it (who sees the site's records)."""
    above = [int(part) for part in customer.path.strip("/").split("/") if part.isdigit()] or [customer.id]
    found = await db.scalar(select(User.id).where(User.id == user_id, User.customer_id.in_(above)))
    return found is not None


async def _is_staff(db: AsyncSession, user_id: int) -> bool:
    return await db.scalar(select(User.id).where(User.id == user_id, User.customer_id.is_(None))) is not None


def check_line(values: LineFields, prefix: str = "") -> list[Problem]:
    problems = []
    if len(values.item) > 80:
        problems.append(Problem(f"{prefix}item", N_("Use at most {limit} characters."), limit=80))
    if len(values.description) > 10000:
        problems.append(Problem(f"{prefix}description", N_("Use at most {limit} characters."), limit=10000))
    if not values.item.strip() and not values.description.strip():
        problems.append(Problem(f"{prefix}item", N_("Enter an item or a description.")))
    quantity = values.quantity
    if not quantity.is_finite() or not Decimal(0) <= quantity <= MAX_QUANTITY:
        problems.append(Problem(f"{prefix}quantity", N_("Enter a quantity of 0 or more.")))
    elif quantity != quantity.quantize(Decimal("0.0001")):
        problems.append(Problem(f"{prefix}quantity", N_("Use at most 4 decimal places.")))
    elif abs(line_amount(quantity, values.unit_price_minor)) > MAX_MINOR:
        problems.append(Problem(f"{prefix}unit_price_minor", N_("This line's amount is too large.")))
    if abs(values.unit_price_minor) > MAX_MINOR:
        problems.append(Problem(f"{prefix}unit_price_minor", N_("This amount is too large.")))
    if values.status not in LINE_STATUSES:
        problems.append(Problem(f"{prefix}status", N_("Choose one of: {choices}."), choices=", ".join(LINE_STATUSES)))
    return problems


def check_payment(values: PaymentFields, prefix: str = "") -> list[Problem]:
    problems = []
    if not values.label.strip():
        problems.append(Problem(f"{prefix}label", N_("Describe the payment, such as “Deposit”.")))
    elif len(values.label) > 200:
        problems.append(Problem(f"{prefix}label", N_("Use at most {limit} characters."), limit=200))
    if not 0 <= values.amount_minor <= MAX_MINOR:
        problems.append(Problem(f"{prefix}amount_minor", N_("Enter an amount between 0 and {most}."), most=MAX_MINOR))
    return problems


def totals_problem(shipping_minor: int, tax_rate_bp: int, lines: Iterable[LineFields | QuoteLine]) -> Problem | None:
    """The record's total would not fit in the database: refuse before writing anything."""
    counted = [line for line in lines if line.status != "declined"]
    amounts = [(line_amount(line.quantity, line.unit_price_minor), line.taxable) for line in counted]
    subtotal = sum(amount for amount, _ in amounts)
    tax = tax_on(sum(amount for amount, taxable in amounts if taxable), tax_rate_bp)
    if not -MAX_MINOR <= subtotal + tax + shipping_minor <= MAX_MINOR or abs(subtotal) > MAX_MINOR:
        return Problem("lines", N_("The total would be too large; split the record."))
    return None


def apply_quote_fields(quote: Quote, values: QuoteFields) -> None:
    for spec in dataclass_fields(QuoteFields):
        setattr(quote, spec.name, getattr(values, spec.name))
    if quote.status == "approved" and quote.approved_at is None:
        quote.approved_at = utcnow()


def apply_line_fields(line: QuoteLine, values: LineFields) -> None:
    line.item, line.description, line.quantity = values.item, values.description, values.quantity
    line.unit_price_minor, line.taxable, line.needs_approval = (
        values.unit_price_minor,
        values.taxable,
        values.needs_approval,
    )
    line.status = values.status
    # The vendor may mark a line approved (an approval by phone); the customer's approval date stays.
    if values.status in ("approved", "in_progress", "completed") and line.approved_at is None:
        line.approved_at = utcnow()
    elif values.status == "open":
        line.approved_at = None


async def lines_of(db: AsyncSession, quote_id: int) -> list[QuoteLine]:
    found = await db.scalars(
        select(QuoteLine).where(QuoteLine.quote_id == quote_id).order_by(QuoteLine.position, QuoteLine.id)
    )
    return list(found)


async def payments_of(db: AsyncSession, quote_id: int) -> list[PaymentInstallment]:
    found = await db.scalars(
        select(PaymentInstallment)
        .where(PaymentInstallment.quote_id == quote_id)
        .order_by(PaymentInstallment.position, PaymentInstallment.id)
    )
    return list(found)


async def recompute(db: AsyncSession, quote: Quote) -> list[QuoteLine]:
    """Flush pending line changes, then set every amount and total from the lines in the database."""
    await db.flush()
    lines = await lines_of(db, quote.id)
    apply_totals(quote, lines)
    return lines


async def flush_checking_number(db: AsyncSession) -> None:
    """Write now; another writer taking the same number at the same instant becomes a 409 problem."""
    try:
        async with db.begin_nested():
            await db.flush()
    except IntegrityError as clash:
        raise Problems([Problem("number", N_("This number is already used."), status=409)]) from clash


async def next_position(db: AsyncSession, model: type[QuoteLine] | type[PaymentInstallment], quote_id: int) -> int:
    highest = await db.scalar(select(func.max(model.position)).where(model.quote_id == quote_id))
    return (highest or 0) + 1


async def create_quote(db: AsyncSession, kind: str, values: QuoteFields, lines: Sequence[LineFields] = ()) -> Quote:
    """A new quote or order with its lines; raises :class:`Problems` and writes nothing when refused."""
    problems = await check_quote(db, kind, values, None)
    for index, line in enumerate(lines):
        problems += check_line(line, f"lines[{index}].")
    # Totals only of lines that are right in themselves (an absurd quantity cannot be multiplied).
    total = None if problems else totals_problem(values.shipping_minor, values.tax_rate_bp, lines)
    if total is not None:
        problems.append(total)
    if problems:
        raise Problems(problems)
    quote = Quote(kind=kind, customer_id=values.customer_id)
    apply_quote_fields(quote, values)
    db.add(quote)
    await flush_checking_number(db)
    for position, line_values in enumerate(lines, start=1):
        new_line = QuoteLine(quote_id=quote.id, customer_id=quote.customer_id, position=position)
        apply_line_fields(new_line, line_values)
        db.add(new_line)
    await recompute(db, quote)
    return quote


async def update_quote(db: AsyncSession, quote: Quote, values: QuoteFields) -> None:
    """Save a record's own fields; moving it to another account moves its children with it."""
    problems = await check_quote(db, quote.kind, values, quote.id)
    lines = await lines_of(db, quote.id)
    total = totals_problem(values.shipping_minor, values.tax_rate_bp, lines)
    if total is not None:
        problems.append(total)
    if problems:
        raise Problems(problems)
    if values.customer_id != quote.customer_id:
        children: list[QuoteLine | PaymentInstallment] = [*lines, *await payments_of(db, quote.id)]
        for child in children:
            child.customer_id = values.customer_id
    apply_quote_fields(quote, values)
    await flush_checking_number(db)
    await recompute(db, quote)


async def save_line(db: AsyncSession, quote: Quote, line: QuoteLine | None, values: LineFields) -> QuoteLine:
    """Add a line (``line`` None) or change one, then recompute the totals."""
    problems = check_line(values)
    others = [other for other in await lines_of(db, quote.id) if line is None or other.id != line.id]
    total = None if problems else totals_problem(quote.shipping_minor, quote.tax_rate_bp, [*others, values])
    if total is not None:
        problems.append(total)
    if problems:
        raise Problems(problems)
    if line is None:
        line = QuoteLine(
            quote_id=quote.id, customer_id=quote.customer_id, position=await next_position(db, QuoteLine, quote.id)
        )
        db.add(line)
    apply_line_fields(line, values)
    await recompute(db, quote)
    return line


async def remove_line(db: AsyncSession, quote: Quote, line: QuoteLine) -> None:
    await db.delete(line)
    await recompute(db, quote)


async def replace_lines(db: AsyncSession, quote: Quote, wanted: Sequence[LineFields]) -> None:
    """The API's way: the record ends up with exactly ``wanted``. A line naming an existing ``id`` is
    updated in place (its approval stays); existing lines not named are removed."""
    existing = {line.id: line for line in await lines_of(db, quote.id)}
    problems: list[Problem] = []
    for index, values in enumerate(wanted):
        problems += check_line(values, f"lines[{index}].")
        if values.id is not None and values.id not in existing:
            problems.append(Problem(f"lines[{index}].id", N_("This record has no line {id}."), id=values.id))
    named = [values.id for values in wanted if values.id is not None]
    if len(named) != len(set(named)):
        problems.append(Problem("lines", N_("A line id appears twice.")))
    total = None if problems else totals_problem(quote.shipping_minor, quote.tax_rate_bp, wanted)
    if total is not None:
        problems.append(total)
    if problems:
        raise Problems(problems)
    for line_id, dropped in existing.items():
        if line_id not in named:
            await db.delete(dropped)
    for position, values in enumerate(wanted, start=1):
        line: QuoteLine | None = existing[values.id] if values.id is not None else None
        if line is None:
            line = QuoteLine(quote_id=quote.id, customer_id=quote.customer_id)
            db.add(line)
        line.position = position
        apply_line_fields(line, values)
    await recompute(db, quote)


async def save_payment(
    db: AsyncSession, quote: Quote, payment: PaymentInstallment | None, values: PaymentFields
) -> PaymentInstallment:
    problems = check_payment(values)
    if problems:
        raise Problems(problems)
    if payment is None:
        payment = PaymentInstallment(
            quote_id=quote.id,
            customer_id=quote.customer_id,
            position=await next_position(db, PaymentInstallment, quote.id),
        )
        db.add(payment)
    payment.label, payment.due_on, payment.amount_minor = values.label, values.due_on, values.amount_minor
    await db.flush()
    return payment


async def replace_payments(db: AsyncSession, quote: Quote, wanted: Sequence[PaymentFields]) -> None:
    """The API's way: the schedule ends up with exactly ``wanted``, in that order."""
    problems: list[Problem] = []
    for index, values in enumerate(wanted):
        problems += check_payment(values, f"payments[{index}].")
    if problems:
        raise Problems(problems)
    for payment in await payments_of(db, quote.id):
        await db.delete(payment)
    for position, values in enumerate(wanted, start=1):
        db.add(
            PaymentInstallment(
                quote_id=quote.id,
                customer_id=quote.customer_id,
                position=position,
                label=values.label,
                due_on=values.due_on,
                amount_minor=values.amount_minor,
            )
        )
    await db.flush()
