"""Integers the database cannot hold never reach it: on every route of the app, with every module
installed, an out-of-range or malformed integer in the path, the query string or the form gets a
4xx that says what is wrong (JSON under /api/, a page or the form again for HTML), never a 500.

A route's integers are read here from the route itself, as a plugin author declares them: its
handler's int-typed parameters and ``opt["integers"]`` (core.web.inputs). Path parameters are
filled with real records, found by following the links and form actions of the portal's own
pages, so that a handler which first loads its record gets as far as reading the bad value.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from core.accounts import scoped
from core.api import create_api_token
from core.db import Scope
from core.models import Tenant, User
from tests.core import example_plugin
from tests.core.isolation.walk import populate

MAX = 2**31 - 1
BAD = ("2147483648", "-1", str(10**30), "abc", "1.5", "²")  # "²".isdigit() is true, int("²") fails
MESSAGE = "Enter a whole number from {low} to {high}."
PARAM = re.compile(r"\{(\w+):(\w+)\}")
LINK = re.compile(r"""(?:href|action|hx-get|hx-post)="(/[^"#?]*)""")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
#: The cases of the report (security issue 12, finding 5): the walk must keep covering them.
REPORTED = {
    ("GET", "/api/v1/workorders", "customer_id"),
    ("GET", "/api/v1/workorders", "after"),
    ("GET", "/api/v1/workorders/purchase-orders", "customer_id"),
    ("GET", "/workorders/open-orders", "site"),
    ("GET", "/workorders/purchase-orders", "site"),
    ("GET", "/workorders/shipments", "site"),
    ("GET", "/workorders/shipments/bills-of-lading", "site"),
    ("GET", "/admin/workorders/packing-slips", "site"),
    ("GET", "/admin/workorders/packing-slips/new", "purchase_order"),
    ("GET", "/discussions/new", "customer_id"),
}


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]  # a third party's plugin too


@pytest.fixture
def portico_installed():
    return None  # every discovered module


@dataclass(frozen=True)
class Integer:
    name: str
    where: str  # "query" or "form"
    low: int = 0
    high: int = MAX


@dataclass
class Route:
    method: str
    template: str
    handler: Any
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        parts = PARAM.split(self.template)  # literal, name, kind, literal, name, kind, ..., literal
        regex = "".join(
            re.escape(part) if i % 3 == 0 else (r"(\d+)" if part == "int" else r"([^/]+)") if i % 3 == 2 else ""
            for i, part in enumerate(parts)
        )
        self.pattern = re.compile(regex + "$")

    @property
    def is_api(self) -> bool:
        return self.template.startswith("/api/")

    def path_integers(self) -> list[int]:
        """Positions (among the path's parameters) of the int ones."""
        return [i for i, (_, kind) in enumerate(PARAM.findall(self.template)) if kind == "int"]

    def integers(self) -> list[Integer]:
        """Its query and form integers: ``opt["integers"]`` (in the form, for a page that takes one)
        and the handler's parameters typed ``int`` outside the path (in the query string)."""
        declared = [
            Integer(spec, "query") if isinstance(spec, str) else Integer(spec.name, "query", spec.low, spec.high)
            for spec in self.handler.opt.get("integers", ())
        ]
        if self.method in WRITES and not self.is_api:
            declared = [Integer(i.name, "form", i.low, i.high) for i in declared]
        dependencies = self.handler.resolve_dependencies()
        for name, parameter in self.handler.parsed_fn_signature.parameters.items():
            kwarg = parameter.kwarg_definition
            if name in dependencies or f"{{{name}:" in self.template or not _is_int(parameter):
                continue
            low = getattr(kwarg, "ge", None)
            high = getattr(kwarg, "le", None)
            declared.append(Integer(getattr(kwarg, "name", None) or name, "query", low or 0, high or MAX))
        return declared


def _is_int(parameter: Any) -> bool:
    if parameter.is_optional:
        return all(_is_int(inner) for inner in parameter.inner_types if not inner.is_none_type)
    if parameter.is_non_string_sequence:
        return len(parameter.inner_types) == 1 and _is_int(parameter.inner_types[0])
    return parameter.annotation is int


def all_routes(app) -> list[Route]:
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not handler.opt.get("tenantless"):
                methods = sorted(set(handler.http_methods) - {"OPTIONS", "HEAD"})
                found += [Route(method, route.path, handler) for method in methods]
    return found


async def crawl(client, routes: list[Route]) -> dict[str, str]:
    """{route template: a real URL of it}, from the pages this client opens and what they link to."""
    found: dict[str, str] = {}
    queue = deque(r.template for r in routes if r.method == "GET" and not PARAM.search(r.template) and not r.is_api)
    seen: set[str] = set()
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = await client.get(url)
        if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        for link in LINK.findall(response.text):
            for route in routes:
                if PARAM.search(route.template) and route.template not in found and route.pattern.match(link):
                    found[route.template] = link
                    if route.method == "GET":
                        queue.append(link)
    return found


def with_segment(route: Route, url: str, position: int, value: str) -> str:
    """``url`` (a real URL of ``route``) with its ``position``-th path parameter set to ``value``."""
    match = route.pattern.match(url)
    assert match is not None, (route.template, url)
    start, end = match.span(position + 1)
    return url[:start] + value + url[end:]


def says_what_is_wrong(route: Route, response, integer: Integer) -> bool:
    if route.is_api:
        body = response.json()
        keys = {problem.get("key") for problem in body.get("extra", [])}
        return integer.name in keys and integer.name in body["detail"]
    return MESSAGE.format(low=integer.low, high=integer.high) in response.text


# Routes the crawl finds no link to are filled with id 1, which needs ids that start at 1: an
# emptied database (PostgreSQL sequences move on through rolled-back tests).
@pytest.mark.portico_commits
async def test_every_integer_of_every_route_refuses_what_the_database_cannot_hold(db, portico, app, client_factory):
    vendor = await populate(db, portico, "acme", "Acme")
    tenant = await db.get(Tenant, vendor.tenant_id)
    async with scoped(db, Scope(tenant.id)):
        everything = list(portico.plugins.permissions)
        _, secret = await create_api_token(db, name="ERP", permissions=everything, allowed=everything, created_by=None)
        await db.commit()
        admin = await db.scalar(select(User).where(User.email == vendor.admin))
        contact = await db.scalar(select(User).where(User.email == f"parentbuyer@{tenant.slug}.test"))
    state = await portico.states.get(db, tenant)
    people = {  # who: (a signed-in client, the permissions they hold)
        "admin": (await client_factory(vendor.host), state.permissions_of(admin.role_id)),
        "contact": (await client_factory(vendor.host), state.permissions_of(contact.role_id)),
    }
    await people["admin"][0].login(admin.email)
    await people["contact"][0].login(contact.email)
    anonymous = await client_factory(vendor.host)
    api = await client_factory(vendor.host)
    api.inner.headers["authorization"] = f"Bearer {secret}"
    routes = all_routes(app)
    urls = {who: await crawl(client, routes) for who, (client, _) in people.items()}

    def client_for(route: Route) -> tuple[Any, dict[str, str]]:
        if route.is_api:
            return api, {}
        if route.handler.opt.get("public"):
            return anonymous, {}
        wanted = route.handler.opt["permission"]
        wanted = {wanted} if isinstance(wanted, str) else set(wanted)
        # The customer's pages as the contact (staff may see them but not act on them); among
        # those allowed, one who reached a real record of the route.
        order = ("admin", "contact") if route.template.startswith("/admin") else ("contact", "admin")
        allowed = [who for who in order if wanted & people[who][1]]
        assert allowed, f"nobody may open {route.method} {route.template}"
        who = next((who for who in allowed if route.template in urls[who]), allowed[0])
        return people[who][0], urls[who]

    async def send(client, method: str, url: str, *, query=None, form=None):
        if method == "GET":
            return await client.get(url, params=query)
        return await client.request(method, url, params=query, data=form)

    failures, walked, requests = [], set(), 0
    for route in routes:
        client, real = client_for(route)
        url = real.get(route.template) or PARAM.sub("1", route.template)
        for position in route.path_integers():
            walked.add((route.method, route.template, f"#{position}"))
            for bad in BAD:
                response = await send(client, route.method, with_segment(route, url, position, bad))
                requests += 1
                if not 400 <= response.status_code < 500:  # 404: no record has such an id
                    failures.append((route.method, route.template, f"path #{position}", bad, response.status_code))
        for integer in route.integers():
            walked.add((route.method, route.template, integer.name))
            for bad in (value for value in BAD if not (value == "-1" and integer.low < 0)):
                values = {integer.name: bad}
                if integer.where == "form":
                    response = await send(client, route.method, url, form=values)
                else:
                    response = await send(client, route.method, url, query=values)
                requests += 1
                if response.status_code != 400 or not says_what_is_wrong(route, response, integer):
                    where = f"{integer.where} {integer.name}"
                    failures.append((route.method, route.template, where, bad, response.status_code))
    assert failures == [], "\n".join(map(str, failures))
    assert REPORTED <= walked
    routes_walked = {(method, template) for method, template, _ in walked}
    print(f"{len(routes)} routes, {len(routes_walked)} with integers, {len(walked)} integers, {requests} requests")
    assert len(routes) >= 250 and len(walked) >= 250
