"""Managing the people of customer accounts, for the vendor's admins and for customer admins.

One set of rules serves both: ``/admin/contacts`` (vendor staff, every account of the tenant) and
``/users`` (a customer admin, confined to their own account and its sites by the scoped session,
and to the roles the vendor lets them assign). Staff users are never listed or touched here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from core.accounts import EMAIL, customer_assignable_roles, end_sessions_of, scoped
from core.context import RequestContext
from core.db import Scope
from core.i18n import N_
from core.integers import is_whole_number
from core.models import Customer, Role, User
from core.people.errors import PeopleError

STATUSES = ("", "active", "inactive")
LIMITS = {"first_name": 100, "last_name": 100, "title": 100, "phone": 50}
LIST_LIMIT = 500


@dataclass(frozen=True)
class Filters:
    """The list's filters, read from the query string (unknown or malformed values are ignored)."""

    query: str = ""
    customer_id: int | None = None
    role_id: int | None = None
    status: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Filters:
        def number(key: str) -> int | None:
            value = params.get(key, "").strip()
            return int(value) if is_whole_number(value) else None

        status = params.get("status", "")
        return cls(
            query=params.get("q", "").strip()[:100],
            customer_id=number("customer"),
            role_id=number("role"),
            status=status if status in STATUSES else "",
        )


async def list_people(ctx: RequestContext, filters: Filters) -> list[User]:
    """The contacts the manager may see, filtered, with their account and role loaded."""
    statement = (
        select(User)
        .where(User.customer_id.is_not(None))
        .options(selectinload(User.customer), selectinload(User.role))
        .order_by(User.last_name, User.first_name, User.email)
        .limit(LIST_LIMIT)
    )
    if filters.query:
        like = f"%{filters.query.lower()}%"
        full_name = func.lower(User.first_name + " " + User.last_name)
        statement = statement.where(or_(func.lower(User.email).like(like), full_name.like(like)))
    if filters.customer_id is not None:
        statement = statement.where(User.customer_id == filters.customer_id)
    if filters.role_id is not None:
        statement = statement.where(User.role_id == filters.role_id)
    if filters.status:
        statement = statement.where(User.active.is_(filters.status == "active"))
    return list((await ctx.db.execute(statement)).scalars())


async def get_person(ctx: RequestContext, user_id: int) -> User | None:
    """A contact the manager may see, or None (staff and other accounts' people are not found)."""
    return await ctx.db.scalar(
        select(User)
        .where(User.id == user_id, User.customer_id.is_not(None))
        .options(selectinload(User.customer), selectinload(User.role))
    )


async def customer_roles(ctx: RequestContext) -> list[Role]:
    return list((await ctx.db.execute(select(Role).where(Role.audience == "customer").order_by(Role.id))).scalars())


async def assignable_roles(ctx: RequestContext) -> list[Role]:
    """Roles this manager may give: any customer role for the vendor's staff; for a customer
    admin only those the vendor lets customer admins assign."""
    roles = await customer_roles(ctx)
    if ctx.is_staff:
        return roles
    allowed = set(customer_assignable_roles(ctx.tenant))
    return [role for role in roles if role.key in allowed]


async def visible_accounts(ctx: RequestContext) -> list[Customer]:
    """Accounts a contact may be put in: the tenant's for staff, a customer admin's subtree."""
    return list((await ctx.db.execute(select(Customer).order_by(Customer.path))).scalars())


@dataclass(frozen=True)
class PersonValues:
    email: str
    first_name: str
    last_name: str
    title: str
    phone: str
    customer_id: int
    role_id: int
    portal_access: bool


async def check_person(ctx: RequestContext, form: Mapping[str, str], person: User | None) -> PersonValues:
    """The submitted fields, checked; the first problem is raised as :class:`PeopleError`."""
    email = form.get("email", "").strip().lower()
    if not email or len(email) > 254 or not EMAIL.match(email):
        raise PeopleError(N_("Enter a valid email address."), "email")
    texts = {key: form.get(key, "").strip() for key in LIMITS}
    for key, limit in LIMITS.items():
        if len(texts[key]) > limit:
            raise PeopleError(N_("At most {count} characters."), key, count=limit)
    if not texts["first_name"] and not texts["last_name"]:
        raise PeopleError(N_("Give the person's name."), "last_name")
    customer_field = form.get("customer_id", "").strip()
    customer = None
    if is_whole_number(customer_field):
        # A query, not session.get: the identity map could answer with an account outside the scope.
        customer = await ctx.db.scalar(select(Customer).where(Customer.id == int(customer_field)))
    if customer is None:
        raise PeopleError(N_("Choose a customer account or site from the list."), "customer_id")
    role = await _check_role(ctx, form.get("role", ""), person)
    await _check_email_free(ctx, email, person)
    return PersonValues(
        email=email,
        customer_id=customer.id,
        role_id=role.id,
        portal_access=form.get("portal_access") == "1",
        **texts,
    )


async def _check_role(ctx: RequestContext, key: str, person: User | None) -> Role:
    allowed = await assignable_roles(ctx)
    role = next((r for r in allowed if r.key == key), None)
    if role is not None:
        return role
    if person is not None and person.role.key == key:
        return person.role  # keeping a role the manager could not give is not giving it
    raise PeopleError(N_("You cannot give the role “{role}”. Choose one of the roles listed."), "role", role=key[:60])


async def _check_email_free(ctx: RequestContext, email: str, person: User | None) -> None:
    # Emails are unique across the whole portal, also among people the manager cannot see.
    async with scoped(ctx.db, Scope(ctx.tenant.id)):
        taken = await ctx.db.scalar(select(User.id).where(User.email == email))
    if taken is not None and (person is None or taken != person.id):
        raise PeopleError(
            N_("Another user of this portal already has the email address {email}."), "email", email=email
        )


async def add_person(ctx: RequestContext, values: PersonValues) -> User:
    """A new contact without a password: they choose one through the invitation link."""
    person = User(password_hash=None, **vars(values))
    ctx.db.add(person)
    await ctx.db.flush()
    return person


async def update_person(ctx: RequestContext, person: User, values: PersonValues) -> None:
    """Save the edit; a changed role or account or a withdrawn login signs the person out."""
    changes_own_reach = values.role_id != person.role_id or values.customer_id != person.customer_id
    _refuse_self(ctx, person, changes_own_reach or not values.portal_access)
    signs_out = (
        values.role_id != person.role_id
        or values.customer_id != person.customer_id
        or (person.portal_access and not values.portal_access)
    )
    for key, value in vars(values).items():
        setattr(person, key, value)
    if signs_out:
        await end_sessions_of(ctx.db, person.id)
    await ctx.db.flush()


async def set_person_active(ctx: RequestContext, person: User, active: bool) -> None:
    """Deactivation signs the person out everywhere, at once."""
    _refuse_self(ctx, person, not active)
    person.active = active
    if not active:
        await end_sessions_of(ctx.db, person.id)
    await ctx.db.flush()


async def set_portal_access(ctx: RequestContext, person: User, access: bool) -> None:
    """Without portal access the person stays on file but cannot sign in; sessions end."""
    _refuse_self(ctx, person, not access)
    person.portal_access = access
    if not access:
        await end_sessions_of(ctx.db, person.id)
    await ctx.db.flush()


def _refuse_self(ctx: RequestContext, person: User, locks_out: bool) -> None:
    if locks_out and ctx.user is not None and ctx.user.id == person.id:
        raise PeopleError(N_("You cannot lock yourself out: ask another administrator to do this."))


def form_of(person: User) -> dict[str, Any]:
    """A person's fields as the edit form shows them."""
    return {
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "title": person.title,
        "phone": person.phone,
        "customer_id": str(person.customer_id),
        "role": person.role.key,
        "portal_access": "1" if person.portal_access else "",
    }
