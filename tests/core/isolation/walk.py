"""Tenant and site isolation, proven on every registered route rather than a sample.

Two vendors are populated with the kernel's people and every installed plugin's demo data (the
example third-party plugin included). Then every route is walked, its path parameters filled
with the victim's ids, as (1) the other vendor's admin and (2) a contact of a sibling site:
no response may contain any of the victim's text, and no request may change the victim's rows.
"""

from __future__ import annotations

import inspect
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from core import CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN, SeedContext
from core.accounts import create_customer, create_tenant, create_user, scoped
from core.db import Base, Scope
from core.models import ContactRequest, Customer, RecentItem, User
from core.testing import TEST_PASSWORD

PARAM = re.compile(r"\{(\w+):(\w+)\}")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class Vendor:
    tenant_id: int
    host: str
    admin: str
    parent_id: int
    site_ids: tuple[int, int]
    site_contacts: tuple[str, str]


async def populate(db, portico, slug: str, word: str) -> Vendor:
    """A vendor with a parent customer, two sites, contacts, staff and all plugins' demo data."""
    tenant = await create_tenant(db, portico.plugins, slug, f"{word} Industries", f"{slug}.portal.test")
    async with scoped(db, Scope(tenant.id)):
        parent = await create_customer(db, f"{word} Parent Holdings")
        north = await create_customer(db, f"{word} Northern Works", parent.id)
        south = await create_customer(db, f"{word} Southern Works", parent.id)

        async def person(tag: str, role: str, customer: Customer | None) -> User:
            return await create_user(
                db,
                email=f"{tag}@{slug}.test",
                password=TEST_PASSWORD,
                role=role,
                customer_id=customer.id if customer else None,
                first_name=f"{word}{tag.title()}",
                last_name=f"{word}Surname{tag.title()}",
            )

        admin = await person("admin", VENDOR_ADMIN, None)
        await person("parentbuyer", CUSTOMER_ADMIN, parent)
        north_contact = await person("northbuyer", CUSTOMER_ADMIN, north)
        south_contact = await person("southbuyer", CUSTOMER_USER, south)
        seed = SeedContext(
            tenant.id, parent.id, (north.id, south.id), (admin.id,), (north_contact.id,), portico=portico
        )
        for _name, result in portico.plugins.call_each("portico_seed_demo", db=db, seed=seed):
            if inspect.isawaitable(result):
                await result
        db.add(
            ContactRequest(
                customer_id=south.id, user_id=south_contact.id, subject=f"{word} southern question", body="Body text"
            )
        )
        db.add(RecentItem(user_id=south_contact.id, url="/notes", title=f"{word} southern recent", kind="Note"))
        await db.commit()
    return Vendor(
        tenant.id,
        f"{slug}.portal.test",
        admin.email,
        parent.id,
        (north.id, south.id),
        (north_contact.email, south_contact.email),
    )


def tenant_tables():
    return [t for t in Base.metadata.sorted_tables if "tenant_id" in t.c]


async def rows_of_tenant(db, tenant_id: int) -> dict[str, list[tuple]]:
    snapshot = {}
    for table in tenant_tables():
        rows = await db.execute(select(table).where(table.c.tenant_id == tenant_id).order_by(*table.primary_key))
        snapshot[table.name] = [tuple(row) for row in rows]
    return snapshot


async def rows_of_site(db, tenant_id: int, site_id: int) -> dict[str, list[tuple]]:
    """Rows that belong to one site: its customer-owned rows, its account row, its contacts."""
    snapshot = {}
    for table in tenant_tables():
        if table.name == "core_customer":
            condition = table.c.id == site_id
        elif "customer_id" in table.c:
            condition = table.c.customer_id == site_id
        else:
            continue
        rows = await db.execute(
            select(table).where(table.c.tenant_id == tenant_id, condition).order_by(*table.primary_key)
        )
        snapshot[table.name] = [tuple(row) for row in rows]
    return snapshot


def texts(snapshot: dict[str, list[tuple]]) -> set[str]:
    """Distinctive strings in a snapshot: long enough not to be ordinary page words."""
    found = set()
    for rows in snapshot.values():
        for row in rows:
            for value in row:
                if isinstance(value, str) and len(value) >= 8 and not value.startswith("$argon2"):
                    found.add(value)
    return found


EVERY_ROW_UP_TO = 24


def ids(snapshot: dict[str, list[tuple]]) -> list[int]:
    """The victim's ids to put in path parameters, the same for every route.

    Every row of each table of up to 24 rows: the record tables (quotes, orders, shipments,
    documents), each row in its own demo status. Of a bigger table (progress entries, steps,
    role permissions: detail rows, 107 to 124 of them) its first two, middle and last rows: with
    every row, the largest table alone set the walk's length (124 ids for each of 133 routes)."""
    found: set[int] = set()
    for rows in snapshot.values():
        keys = sorted(row[0] for row in rows if isinstance(row[0], int))
        if len(keys) > EVERY_ROW_UP_TO:
            keys = [keys[0], keys[1], keys[len(keys) // 2], keys[-1]]
        found.update(keys)
    return sorted(found)


def routes(app) -> list[tuple[str, str]]:
    """(method, path template) of every registered route, except static files."""
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if handler.opt.get("tenantless"):
                continue
            for method in sorted(handler.http_methods):
                if method not in {"OPTIONS", "HEAD"}:
                    found.append((method, route.path))
    return sorted(set(found))


def fill(
    path: str, int_values: Iterable[int], str_values: Iterable[str], typed: dict[str, list[int]] | None = None
) -> list[str]:
    params = PARAM.findall(path)
    if not params:
        return [path]
    kinds = [kind for _, kind in params]
    choices = [list(int_values) if kind == "int" else list(str_values) for kind in kinds]
    combos: Iterable[tuple[object, ...]]
    if typed is not None and "str" in kinds and "int" in kinds:
        # /records/{record_type}/{record_id}: each type key with every victim row of its own table
        # (the other ids name no record of that type); a word that is no type key, with one id.
        combos = [
            tuple(word if kind == "str" else number for kind in kinds)
            for word in choices[kinds.index("str")]
            for number in typed.get(word) or choices[kinds.index("int")][:1]
        ]
    elif len(params) > 1 and all(kind == "int" for kind in kinds):
        # Every slot gets every victim id (rotated, so the slots differ): the first 400 of the
        # product would try only the first few ids in the first slot, at three times the cost.
        ints = choices[0]
        combos = (tuple(ints[(i + slot) % len(ints)] for slot in range(len(params))) for i in range(len(ints)))
    else:
        combos = itertools.islice(itertools.product(*choices), 400)
    urls = []
    for combo in combos:
        url = path
        for (name, kind), value in zip(params, combo, strict=True):
            url = url.replace(f"{{{name}:{kind}}}", str(value))
        urls.append(url)
    return urls


def typed_ids(portico, victim: dict[str, list[tuple]]) -> dict[str, list[int]]:
    """Each declared record and document type key, with the victim's ids in that type's table."""
    plugins = portico.plugins
    tables = {key: declared.model.__tablename__ for key, declared in plugins.record_types.items()}
    for key, document in plugins.document_types.items():
        if document.record_type in tables:
            tables[key] = tables[document.record_type]
    return {key: sorted(row[0] for row in victim.get(table, [])) for key, table in tables.items()}


def path_words(portico) -> list[str]:
    """Values for ``{name:str}`` path parameters: declared type keys first (the product of
    parameters is capped, so the likeliest real values go first), then module names."""
    keys = [*portico.plugins.document_types, *portico.plugins.record_types]
    return list(dict.fromkeys([*keys, *portico.plugins.names]))


def form_aimed_at(victim_ids: list[int], customer_id: int) -> dict[str, str]:
    """A form that names the victim's records in the fields plugins commonly read."""
    some = str(victim_ids[0]) if victim_ids else "1"
    return {"customer_id": str(customer_id), "id": some, "title": "attack", "enabled": "0", "subject": "x"}


async def walk(client, app, portico, victim, shared: set[str], victim_customer: int):
    """Request every route with the victim's ids; return (responses leaking text, requests made).

    ``shared`` holds strings the attacker legitimately has too (permission keys, a plugin's fixed
    demo wording): they are not the victim's secrets.
    """
    secrets = texts(victim) - shared
    victim_ids = ids(victim)
    words, typed = path_words(portico), typed_ids(portico, victim)
    leaks, count = [], 0
    found_in: dict[str, list[str]] = {}  # most answers are the same "not found" page: search it once
    for method, path in routes(app):
        for url in fill(path, victim_ids, words, typed):
            if method == "GET":
                response = await client.get(url)
            else:
                response = await client.request(method, url, data=form_aimed_at(victim_ids, victim_customer))
            count += 1
            body = response.text
            if body not in found_in:
                if len(found_in) > 200:
                    found_in.clear()
                found_in[body] = sorted(s for s in secrets if s in body)
            if found_in[body]:
                leaks.append((method, url, response.status_code, found_in[body][:3]))
    return leaks, count


async def assert_sees_own_data(client, app, own: dict[str, list[tuple]]) -> None:
    """The walk means something only if the attacker's own pages work and show its own data."""
    own_texts = texts(own)
    shown = False
    for method, path in routes(app):
        if method != "GET" or PARAM.search(path):
            continue
        response = await client.get(path)
        # The JSON API ignores the session cookie by design: 401 there, whatever the data.
        expected = (401,) if path.startswith("/api/") else (200, 302, 403)
        assert response.status_code in expected, (path, response.status_code)
        shown = shown or any(text in response.text for text in own_texts if "@" not in text)
    assert shown, "the attacker saw none of its own data anywhere: the walk would prove nothing"
    notes = await client.get("/notes")
    assert notes.status_code == 200 and "Note " in notes.text


async def two_vendors(db, portico) -> tuple[Vendor, Vendor]:
    return await populate(db, portico, "victim", "Zyxcorp"), await populate(db, portico, "other", "Quillsoft")
