"""A vendor with a parent account, two sites, their contacts and two staff members, plus notes."""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio
from litestar import get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from sqlalchemy import select

import core
from core import (
    CUSTOMER_ADMIN,
    CUSTOMER_USER,
    VENDOR_ADMIN,
    VENDOR_STAFF,
    Ctx,
    Customer,
    Manifest,
    Page,
    Tenant,
    User,
    hookimpl,
)
from core.accounts import scoped
from core.db import Scope
from core.mail import OutboxMessage
from tests.core import example_plugin

# A second third-party plugin: a record page of the example plugin's notes with the discussions
# macro on it, written the way docs/plugins.md shows.
record_pages = types.ModuleType("record_pages")
record_pages.manifest = Manifest(name="notepages", label="Note pages", version="1.0.0", depends=("notes",))
record_pages.templates = {
    "notepages/note.html": """{% extends "core/base.html" %}
{% from "core/discussions/macros.html" import discussions_about with context %}
{% block content %}<h1>{{ note.title }}</h1>{{ discussions_about(threads, "notes.note", note.id) }}{% endblock %}"""
}


@get("/notes/{note_id:int}/discussions", opt={"permission": "notes.view"})
async def note_with_discussions(ctx: Ctx, note_id: FromPath[int]) -> Page:
    found = await core.load_record(ctx, "notes.note", note_id)
    if found is None:
        raise NotFoundException()
    threads = await core.threads_for_record(ctx, "notes.note", note_id)
    return await core.render(ctx, "notepages/note.html", note=found[1], threads=threads)


@hookimpl
def _record_page_routes() -> list[Any]:
    return [note_with_discussions]


record_pages.portico_routes = _record_page_routes


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin, record_pages]


@dataclass
class Shop:
    tenant: Tenant
    parent: Customer
    north: Customer
    south: Customer
    nora: User  # north, customer admin
    ned: User  # north, customer user
    sid: User  # south
    ada: User  # vendor admin
    sam: User  # vendor staff
    north_note: int
    south_note: int


@pytest_asyncio.fixture(loop_scope="session")
async def shop(tenant, customer_factory, user_factory, db) -> Shop:
    parent = await customer_factory(tenant, "Globex Holdings")
    north = await customer_factory(tenant, "Globex North Plant", parent)
    south = await customer_factory(tenant, "Globex South Plant", parent)
    nora = await user_factory(tenant, CUSTOMER_ADMIN, north, first_name="Nora", last_name="North")
    ned = await user_factory(tenant, CUSTOMER_USER, north, first_name="Ned", last_name="North")
    sid = await user_factory(tenant, CUSTOMER_USER, south, first_name="Sid", last_name="South")
    ada = await user_factory(tenant, VENDOR_ADMIN, first_name="Ada", last_name="Admin")
    sam = await user_factory(tenant, VENDOR_STAFF, first_name="Sam", last_name="Staff")
    async with scoped(db, Scope(tenant.id)):
        north_note = example_plugin.Note(customer_id=north.id, title="North pump overhaul note")
        south_note = example_plugin.Note(customer_id=south.id, title="South boiler secret note")
        db.add_all([north_note, south_note])
        await db.commit()
    return Shop(tenant, parent, north, south, nora, ned, sid, ada, sam, north_note.id, south_note.id)


async def reply_emails(db) -> list[OutboxMessage]:
    rows = await db.execute(
        select(OutboxMessage).where(OutboxMessage.event == "core.discussion_reply").order_by(OutboxMessage.id)
    )
    return list(rows.scalars())


def recipients_of(messages: list[OutboxMessage]) -> list[str]:
    return sorted(address for m in messages for address in m.recipients)


async def start(client, **fields) -> int:
    """Start a thread through the form; returns its id."""
    data = {"subject": "Pump seals", "body": "The seals leak again.", **fields}
    response = await client.post("/discussions/new", data)
    assert response.status_code == 302, response.text[:2000]
    return int(response.headers["location"].rsplit("/", 1)[1])
