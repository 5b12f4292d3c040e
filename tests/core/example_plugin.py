"""A third party's plugin, written only against ``core``'s public API, used by the contract tests.

It adds a model (customer-owned notes), routes (list, detail, create), a menu item with a
badge, a dashboard widget, action items, permissions and demo data.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, mapped_column

import core
from core import (
    CUSTOMER_ADMIN,
    CUSTOMER_USER,
    VENDOR_ADMIN,
    ActionItem,
    ActionSource,
    Base,
    Ctx,
    CustomerOwned,
    Manifest,
    MenuItem,
    Page,
    Permission,
    RecordType,
    RequestContext,
    Widget,
    hookimpl,
)

manifest = Manifest(name="notes", label="Site notes", version="1.0.0", description="Notes per customer site.")
templates = {
    "notes/list.html": """{% extends "core/base.html" %}{% block content %}<h1>Notes</h1>
<ul>{% for n in notes %}<li class="note"><a href="/notes/{{ n.id }}">{{ n.title }}</a></li>{% endfor %}</ul>
{% endblock %}""",
    "notes/detail.html": """{% extends "core/base.html" %}
{% from "core/comments/macros.html" import comments_panel, files_panel with context %}
{% block content %}
<h1 class="note-title">{{ note.title }}</h1><p>{{ note.body }}</p>
{{ comments_panel("notes.note", note.id) }}
{{ files_panel("notes.note", note.id) }}
{% endblock %}""",
    "notes/widget.html": """<p class="note-count">{{ data.count }} notes</p>""",
}


class Note(CustomerOwned, Base):
    __tablename__ = "notes_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(2000), default="")
    needs_reply: Mapped[bool] = mapped_column(default=False)


@hookimpl
def portico_permissions() -> list[Permission]:
    return [
        Permission("notes.view", "See notes", default_roles=(CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN)),
        Permission("notes.add", "Add notes", default_roles=(CUSTOMER_ADMIN, VENDOR_ADMIN)),
    ]


async def _count(ctx: RequestContext) -> int | None:
    return await ctx.db.scalar(select(func.count(Note.id))) or None


async def _widget(ctx: RequestContext) -> dict[str, Any]:
    return {"count": await ctx.db.scalar(select(func.count(Note.id)))}


async def _awaiting(ctx: RequestContext) -> list[ActionItem]:
    rows = await ctx.db.execute(select(Note).where(Note.needs_reply.is_(True)).order_by(Note.id))
    return [ActionItem(title=n.title, url=f"/notes/{n.id}", kind="note", detail="Reply needed") for n in rows.scalars()]


@hookimpl
def portico_menu_items() -> list[MenuItem]:
    return [MenuItem("notes", "Notes", "/notes", "notes.view", order=50, badge=_count)]


@hookimpl
def portico_record_types() -> list[RecordType]:
    return [
        RecordType("notes.note", "Note", Note, "notes.view", url=lambda n: f"/notes/{n.id}", title=lambda n: n.title)
    ]


@hookimpl
def portico_widgets() -> list[Widget]:
    return [Widget("notes", "Notes", "notes/widget.html", _widget, "notes.view", order=50)]


@hookimpl
def portico_action_items() -> list[ActionSource]:
    return [ActionSource("notes", "Notes awaiting your reply", _awaiting, "notes.view")]


class NotesController(Controller):
    path = "/notes"

    @get("/", opt={"permission": "notes.view"})
    async def index(self, ctx: Ctx) -> Page:
        notes = (await ctx.db.execute(select(Note).order_by(Note.id))).scalars().all()
        return await core.render(ctx, "notes/list.html", notes=notes)

    @get("/{note_id:int}", opt={"permission": "notes.view"})
    async def detail(self, ctx: Ctx, note_id: FromPath[int]) -> Page:
        note = await ctx.db.get(Note, note_id)
        if note is None:
            raise NotFoundException()
        await core.record_recent(ctx, title=note.title, url=f"/notes/{note.id}", kind="Note")
        return await core.render(ctx, "notes/detail.html", note=note)

    @post("/", opt={"permission": "notes.add"})
    async def add(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Redirect:
        form = await core.form_data(request)
        assert ctx.user is not None
        customer_id = int(form.get("customer_id") or ctx.user.customer_id or 0)
        visible = await ctx.db.get(core.Customer, customer_id)
        if visible is None:
            raise NotFoundException("No such customer account.")
        ctx.db.add(Note(customer_id=customer_id, title=form.get("title", "")[:200] or "Untitled"))
        await ctx.db.commit()
        return Redirect("/notes")

    @post("/{note_id:int}/delete", opt={"permission": "notes.add"})
    async def delete(self, ctx: Ctx, note_id: FromPath[int]) -> Redirect:
        note = await ctx.db.get(Note, note_id)
        if note is None:
            raise NotFoundException()
        await ctx.db.delete(note)
        await ctx.db.commit()
        return Redirect("/notes")


@hookimpl
def portico_routes() -> list[Any]:
    return [NotesController]


DEMO_TEXT = b"Opening hours of the site: 6:00 to 22:00.\n"


@hookimpl
async def portico_seed_demo(db: Any, seed: core.SeedContext) -> None:
    for number, customer_id in enumerate((seed.parent_customer_id, *seed.site_customer_ids)):
        note = Note(customer_id=customer_id, title=f"Note {number} of account {customer_id}", needs_reply=number == 1)
        db.add(note)
        await db.flush()
        record = core.RecordRef.of("notes.note", note)
        core.store_comment(db, record, body=f"Comment on note {note.id}", author_id=None, author_name="Site team")
        if seed.storage is not None:
            kind = core.sniff(DEMO_TEXT)
            assert kind is not None
            await core.store_file(
                db,
                seed.storage,
                record,
                data=DEMO_TEXT,
                kind=kind,
                name=f"hours-{note.id}.txt",
                uploaded_by=None,
                uploader_name="Site team",
                visible_in_portal=True,
            )
