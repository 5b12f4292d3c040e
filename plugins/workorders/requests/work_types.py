"""Which kinds of work a customer may request, and the vendor's editing of that list.

A type is offered to a site when it is active and either open to every customer or listed for the
site or an account above it (``WorkTypeCustomer``), so a vendor can allow a type for a parent
customer and all its sites at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, or_, select

import core
from core import N_, Customer, RequestContext
from plugins.workorders.models import WorkType, WorkTypeCustomer

NAME_MAX = 120
DESCRIPTION_MAX = 2000
POSITIONS = (-99999, 999999)  # a type's place in the list: what its form's six characters hold
#: The form's integers, for its routes' ``opt`` (the kernel checks them).
FORM_INTEGERS = ("customer_ids", core.IntegerInput("position", *POSITIONS))


def ancestors(customer: Customer) -> list[int]:
    """The account's id and the ids of every account above it, from its materialised path."""
    return [int(part) for part in customer.path.strip("/").split("/") if part.isdigit()]


async def offered_types(ctx: RequestContext, sites: Sequence[Customer]) -> dict[int, list[WorkType]]:
    """For each site, the active types it may request, in the vendor's order (one query)."""
    account_ids = {account for site in sites for account in ancestors(site)}
    rows = await ctx.db.execute(
        select(WorkType, WorkTypeCustomer.customer_id)
        .outerjoin(
            WorkTypeCustomer,
            (WorkTypeCustomer.work_type_id == WorkType.id) & WorkTypeCustomer.customer_id.in_(account_ids or {0}),
        )
        .where(WorkType.active.is_(True), or_(WorkType.all_customers.is_(True), WorkTypeCustomer.id.is_not(None)))
        .order_by(WorkType.position, WorkType.name, WorkType.id)
    )
    allowed_for: dict[int, set[int | None]] = {}
    ordered: dict[int, WorkType] = {}
    for work_type, customer_id in rows:
        ordered.setdefault(work_type.id, work_type)
        allowed_for.setdefault(work_type.id, set()).add(customer_id)
    offered: dict[int, list[WorkType]] = {}
    for site in sites:
        mine = set(ancestors(site))
        offered[site.id] = [
            t for t in ordered.values() if t.all_customers or any(c in mine for c in allowed_for[t.id] if c is not None)
        ]
    return offered


@dataclass
class WorkTypeForm:
    """A work type as typed into the admin form, and what is wrong with it."""

    name: str = ""
    description: str = ""
    position: str = "0"
    active: bool = True
    all_customers: bool = True
    customer_ids: list[int] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, work_type: WorkType, customer_ids: list[int]) -> WorkTypeForm:
        return cls(
            work_type.name,
            work_type.description,
            str(work_type.position),
            work_type.active,
            work_type.all_customers,
            customer_ids,
        )


async def read_form(ctx: RequestContext, values: dict[str, list[str]]) -> WorkTypeForm:
    """Clean the submitted form; ``errors`` holds msgids translated for the reader."""

    def first(key: str) -> str:
        return (values.get(key) or [""])[0].strip()

    form = WorkTypeForm(
        name=first("name"),
        description=first("description"),
        position=first("position") or "0",
        active=first("active") == "1",
        all_customers=first("all_customers") == "1",
    )
    if not form.name:
        form.errors["name"] = ctx._(N_("Give the type of work a name."))
    elif len(form.name) > NAME_MAX:
        form.errors["name"] = ctx._(N_("Enter at most {count} characters."), count=NAME_MAX)
    if len(form.description) > DESCRIPTION_MAX:
        form.errors["description"] = ctx._(N_("Enter at most {count} characters."), count=DESCRIPTION_MAX)
    if not core.is_whole_number(form.position, *POSITIONS):
        form.errors["position"] = ctx._(N_("Enter a whole number."))
    submitted = {v.strip() for v in values.get("customer_ids", []) if v.strip()}
    wanted = {int(v) for v in submitted if core.is_whole_number(v)}
    if len(wanted) != len(submitted):
        form.errors["customer_ids"] = ctx._(N_("That customer account does not exist."))
    known = set((await ctx.db.scalars(select(Customer.id).where(Customer.id.in_(wanted or {0})))).all())
    if wanted - known:
        form.errors["customer_ids"] = ctx._(N_("That customer account does not exist."))
    form.customer_ids = sorted(wanted & known)
    if not form.all_customers and not form.customer_ids and "customer_ids" not in form.errors:
        form.errors["customer_ids"] = ctx._(
            N_("Choose the customers who may request this type of work, or offer it to every customer.")
        )
    return form


async def allowed_customer_ids(ctx: RequestContext, work_type_ids: Sequence[int]) -> dict[int, list[int]]:
    rows = await ctx.db.execute(
        select(WorkTypeCustomer.work_type_id, WorkTypeCustomer.customer_id).where(
            WorkTypeCustomer.work_type_id.in_(list(work_type_ids) or [0])
        )
    )
    found: dict[int, list[int]] = {work_type_id: [] for work_type_id in work_type_ids}
    for work_type_id, customer_id in rows:
        found[work_type_id].append(customer_id)
    return found


async def save_work_type(ctx: RequestContext, work_type: WorkType | None, form: WorkTypeForm) -> WorkType:
    """Create or update the type and replace its list of allowed customers. Not committed."""
    if work_type is None:
        work_type = WorkType()
        ctx.db.add(work_type)
    work_type.name = form.name
    work_type.description = form.description
    work_type.position = int(form.position)
    work_type.active = form.active
    work_type.all_customers = form.all_customers
    await ctx.db.flush()
    await ctx.db.execute(delete(WorkTypeCustomer).where(WorkTypeCustomer.work_type_id == work_type.id))
    # A type open to everyone keeps no list: ticking "every customer" again later starts afresh.
    if not form.all_customers:
        ctx.db.add_all(WorkTypeCustomer(work_type_id=work_type.id, customer_id=c) for c in form.customer_ids)
    await ctx.db.flush()
    return work_type
