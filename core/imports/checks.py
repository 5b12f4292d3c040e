"""Checking the rows of a file before anything is written: the dry run's report.

The check costs the same few queries however long the file is: the accounts the file names,
the roles, and the emails already registered are each loaded once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.accounts import EMAIL, customer_assignable_roles, scoped
from core.context import RequestContext
from core.db import Scope
from core.declarations import CUSTOMER_USER
from core.i18n import N_
from core.imports.csvfile import CsvRow
from core.integers import is_whole_number
from core.models import Customer, Role, User

STAFF, CUSTOMER = "staff", "customer"

# Every problem a row can have, by code; the report stores codes and values, and each reader
# sees the message in their own language.
PROBLEMS = {
    "missing_email": N_("The email is missing."),
    "invalid_email": N_("“{email}” is not an email address."),
    "duplicate": N_("The same email is already on line {line}."),
    "registered": N_("Someone with this email is already registered."),
    "missing_site": N_("The site is missing."),
    "unknown_site": N_("No customer account is called or numbered “{site}”."),
    "ambiguous_site": N_("Several accounts are called “{site}”: give its number instead."),
    "site_outside": N_("“{site}” is not your account or one of its sites."),
    "site_inactive": N_("The account “{site}” is deactivated."),
    "unknown_role": N_("There is no customer role “{role}”."),
    "role_not_assignable": N_("The role “{role}” cannot be given here."),
    "bad_invitation": N_("send_invitation must be yes or no, not “{value}”."),
    "too_long": N_("{column} is longer than {length} characters."),
}
LENGTHS = {"email": 254, "first_name": 100, "last_name": 100, "title": 100, "phone": 50}
YES, NO = frozenset({"yes", "y", "true", "1", "x"}), frozenset({"", "no", "n", "false", "0"})


@dataclass(frozen=True)
class Reach:
    """Whom an admin may import: vendor staff anyone into any account; a customer admin people
    of their own account and its sites, with the roles the vendor lets them give."""

    audience: str
    own_customer_id: int | None = None
    assignable_roles: frozenset[str] | None = None


def reach_of(ctx: RequestContext, audience: str) -> Reach:
    if audience == STAFF:
        return Reach(STAFF)
    assert ctx.user is not None and ctx.user.customer_id is not None
    return Reach(CUSTOMER, ctx.user.customer_id, frozenset(customer_assignable_roles(ctx.tenant)))


@dataclass(frozen=True)
class ImportRow:
    """A row that passed every check, ready for :func:`core.accounts.create_user`."""

    line: int
    email: str
    first_name: str
    last_name: str
    title: str
    phone: str
    customer_id: int
    role: str
    invite: bool


@dataclass
class Report:
    good: list[ImportRow] = field(default_factory=list)
    #: ``{"line": 3, "email": "...", "problems": [{"code": "invalid_email", "values": {...}}]}``
    bad: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.good) + len(self.bad)


class _Problems(list[dict[str, Any]]):
    def add(self, code: str, **values: Any) -> None:
        self.append({"code": code, "values": values})


async def check_rows(db: AsyncSession, tenant_id: int, reach: Reach, rows: Sequence[CsvRow]) -> Report:
    sites = await _load_sites(db, rows)
    roles = await _load_roles(db)
    registered = await _registered_emails(db, tenant_id, rows)
    seen: dict[str, int] = {}
    report = Report()
    for row in rows:
        problems = _Problems()
        problem = problems.add
        email = row.get("email").lower()
        for column, length in LENGTHS.items():
            if len(row.get(column)) > length:
                problem("too_long", column=column, length=length)
        if not email:
            problem("missing_email")
        elif not EMAIL.match(email):
            problem("invalid_email", email=row.get("email"))
        elif email in seen:
            problem("duplicate", line=seen[email])
        elif email in registered:
            problem("registered")
        if email and email not in seen:
            seen[email] = row.line
        customer_id = _site(row.get("site"), sites, reach, problem)
        role = _role(row.get("role"), roles, reach, problem)
        invite = row.get("send_invitation").lower()
        if invite not in YES | NO:
            problem("bad_invitation", value=row.get("send_invitation"))
        if problems:
            report.bad.append({"line": row.line, "email": row.get("email"), "problems": list(problems)})
            continue
        assert customer_id is not None and role is not None
        report.good.append(
            ImportRow(
                line=row.line,
                email=email,
                first_name=row.get("first_name"),
                last_name=row.get("last_name"),
                title=row.get("title"),
                phone=row.get("phone"),
                customer_id=customer_id,
                role=role,
                invite=invite in YES,
            )
        )
    return report


async def _load_sites(db: AsyncSession, rows: Sequence[CsvRow]) -> list[tuple[int, str, bool]]:
    """The accounts the file names (by number or name) that this session may see."""
    named = {row.get("site") for row in rows} - {""}
    numbers = {int(v) for v in named if is_whole_number(v)}
    names = {v.lower() for v in named}
    if not named:
        return []
    query = select(Customer.id, Customer.name, Customer.active).where(
        or_(Customer.id.in_(numbers), func.lower(Customer.name).in_(names))
    )
    return [(id_, name, active) for id_, name, active in await db.execute(query)]


async def _load_roles(db: AsyncSession) -> list[Role]:
    return list((await db.execute(select(Role).where(Role.audience == CUSTOMER))).scalars())


async def _registered_emails(db: AsyncSession, tenant_id: int, rows: Sequence[CsvRow]) -> set[str]:
    """Emails of the file already taken anywhere in the tenant.

    A customer admin's session does not see other customers' people, but an email can be
    registered only once per vendor, so the check looks tenant-wide (and learns only emails).
    """
    emails = {row.get("email").lower() for row in rows} - {""}
    if not emails:
        return set()
    async with scoped(db, Scope(tenant_id)):
        # create_user stores emails in lower case, so the index on the column serves this.
        found = await db.execute(select(User.email).where(User.email.in_(emails)))
        return {email.lower() for email in found.scalars()}


def _site(value: str, sites: list[tuple[int, str, bool]], reach: Reach, problem: Any) -> int | None:
    if not value:
        if reach.own_customer_id is not None:
            return reach.own_customer_id
        problem("missing_site")
        return None
    matches = [s for s in sites if str(s[0]) == value] if value.isdigit() else []
    matches = matches or [s for s in sites if s[1].strip().lower() == value.lower()]
    if not matches:
        # For a customer admin an account outside their reach looks the same as one that does
        # not exist: the report must not reveal other customers' names.
        problem("site_outside" if reach.audience == CUSTOMER else "unknown_site", site=value)
        return None
    if len(matches) > 1:
        problem("ambiguous_site", site=value)
        return None
    id_, name, active = matches[0]
    if not active:
        problem("site_inactive", site=name)
        return None
    return id_


def _role(value: str, roles: list[Role], reach: Reach, problem: Any) -> str | None:
    wanted = value.lower() or CUSTOMER_USER
    found = next((r for r in roles if wanted in (r.key.lower(), r.name.lower())), None)
    if found is None:
        problem("unknown_role", role=value)
        return None
    if reach.assignable_roles is not None and found.key not in reach.assignable_roles:
        problem("role_not_assignable", role=value or found.key)
        return None
    return found.key
