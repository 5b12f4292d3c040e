"""What a work order, a part and a step may hold: one set of rules for the admin forms and the API.

Each check returns the cleaned value or raises :class:`FieldError` naming the field and the
problem (a msgid and its values), so a form shows it next to the field and the API puts it in its
JSON answer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from core import N_, Customer, RequestContext, User
from plugins.workorders.models import WORK_ORDER_KINDS, WORK_ORDER_STATUSES, Tag, WorkOrder

NUMBER_MAX, TITLE_MAX, PO_MAX, REF_MAX = 40, 200, 60, 80
PART_NUMBER_MAX, DESCRIPTION_MAX, STEP_NAME_MAX, TAG_MAX = 80, 500, 200, 80
QUANTITY_MAX = Decimal("1e10")


class FieldError(ValueError):
    """A value the schema allows that cannot be saved: 422 in the API (409 for a taken key)."""

    def __init__(self, field: str, msgid: str, status: int = 422, **values: object) -> None:
        super().__init__(f"{field}: {msgid.format(**values)}")
        self.field, self.msgid, self.status, self.values = field, msgid, status, values


def text(field: str, value: str | None, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise FieldError(field, N_("This field is required."))
    if len(value) > limit:
        raise FieldError(field, N_("At most {limit} characters."), limit=limit)
    return value


def choice(field: str, value: str | None, choices: dict[str, str]) -> str:
    if value not in choices:
        raise FieldError(field, N_("Choose one of: {choices}."), choices=", ".join(choices))
    return value


def kind(value: str | None) -> str:
    return choice("kind", value, WORK_ORDER_KINDS)


def status(value: str | None) -> str:
    return choice("status", value, WORK_ORDER_STATUSES)


def date(field: str, value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise FieldError(field, N_("Enter a date as YYYY-MM-DD.")) from None


def quantity(field: str, value: str | Decimal | int | float | None, *, allow_zero: bool = False) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ".")) if value not in (None, "") else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number >= QUANTITY_MAX:
        raise FieldError(field, N_("Enter a quantity, such as 12 or 2.5."))
    if number < 0 or (number == 0 and not allow_zero):
        raise FieldError(
            field, N_("The quantity must be more than 0.") if not allow_zero else N_("It cannot be negative.")
        )
    if number != number.quantize(Decimal("0.0001")):
        raise FieldError(field, N_("At most 4 decimal places."))
    return number


async def customer(ctx: RequestContext, value: int | str | None, field: str = "customer_id") -> Customer:
    """A customer account of this vendor (another vendor's id is simply not found)."""
    try:
        customer_id = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        customer_id = None
    found = await ctx.db.get(Customer, customer_id) if customer_id and 0 < customer_id < 2**31 else None
    if found is None:
        raise FieldError(field, N_("Choose a customer account."))
    return found


async def contact(
    ctx: RequestContext, value: int | str | None, site: Customer, field: str = "contact_id"
) -> int | None:
    """A contact of the site or of an account above it, or None."""
    if value in (None, ""):
        return None
    try:
        user_id = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        user_id = 0
    person = await ctx.db.get(User, user_id) if 0 < user_id < 2**31 else None
    above = {int(part) for part in site.path.strip("/").split("/") if part.isdigit()} | {site.id}
    if person is None or person.customer_id not in above:
        raise FieldError(field, N_("Choose a contact of this customer account."))
    return person.id


async def number_free(ctx: RequestContext, number: str, order_id: int | None, field: str = "number") -> str:
    """The number, if no other work order of the vendor has it (409 for the API)."""
    number = text(field, number, NUMBER_MAX, required=True)
    clash = await ctx.db.scalar(
        select(WorkOrder.id).where(WorkOrder.number == number, WorkOrder.id != (order_id or 0)).limit(1)
    )
    if clash is not None:
        raise FieldError(field, N_("Work order {number} already exists."), 409, number=number)
    return number


async def tag_names(ctx: RequestContext) -> dict[str, int]:
    rows = await ctx.db.execute(select(Tag.name, Tag.id))
    return {name: tag_id for name, tag_id in rows}


async def tag_id(ctx: RequestContext, value: str | None, field: str = "tag_id") -> int | None:
    """A tag of this vendor chosen by its id in a form ("" = none)."""
    if not value:
        return None
    found = await ctx.db.get(Tag, int(value)) if value.isdigit() and int(value) < 2**31 else None
    if found is None:
        raise FieldError(field, N_("Choose one of your tags."))
    return found.id
