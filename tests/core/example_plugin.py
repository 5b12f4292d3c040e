"""A third party's plugin, written only against ``core``'s public API, used by the contract tests.

It adds a model (customer-owned notes), routes (list, detail, create), a menu item with a
badge, a dashboard widget, action items, permissions, settings fields, a document type (a note's
PDF, which a customer sees only once it was sent) and demo data: one note sent, the others not.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import String, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column

import core
from core import (
    CUSTOMER_ADMIN,
    CUSTOMER_USER,
    VENDOR_ADMIN,
    VENDOR_STAFF,
    ActionItem,
    ActionSource,
    Base,
    Ctx,
    CustomerOwned,
    DocumentType,
    Manifest,
    MenuItem,
    Page,
    Permission,
    RecordType,
    RequestContext,
    SettingsField,
    Widget,
    hookimpl,
)

manifest = Manifest(name="notes", label="Site notes", version="1.0.0", description="Notes per customer site.")
templates = {
    "notes/list.html": """{% extends "core/base.html" %}{% block content %}<h1>Notes</h1>
<p class="notes-greeting">{{ greeting }}</p>
<ul>{% for n in notes %}<li class="note"><a href="/notes/{{ n.id }}">{{ n.title }}</a></li>{% endfor %}</ul>
{% endblock %}""",
    "notes/detail.html": """{% extends "core/base.html" %}
{% from "core/documents/macros.html" import document_actions with context %}
{% from "core/comments/macros.html" import comments_panel, files_panel with context %}
{% block content %}
<h1 class="note-title">{{ note.title }}</h1>{{ document_actions(document) }}<p>{{ note.body }}</p>
{{ comments_panel("notes.note", note.id) }}
{{ files_panel("notes.note", note.id) }}
{% endblock %}""",
    "notes/note_pdf.html": """{% extends "core/documents/base_pdf.html" %}
{% block title %}{{ _("Note") }} {{ record.title }}{% endblock %}
{% block content %}<p class="body">{{ body }}</p><p>{{ account }}</p>{% endblock %}""",
    "notes/widget.html": """<p class="note-count">{{ data.count }} notes</p>""",
}


class Note(CustomerOwned, Base):
    __tablename__ = "notes_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(2000), default="")
    needs_reply: Mapped[bool] = mapped_column(default=False)
    # A customer's own notes are theirs at once; the vendor's reach customers only once sent.
    from_vendor: Mapped[bool] = mapped_column(default=False)


@hookimpl
def portico_permissions() -> list[Permission]:
    return [
        Permission("notes.view", "See notes", default_roles=(CUSTOMER_ADMIN, CUSTOMER_USER, VENDOR_ADMIN)),
        Permission("notes.add", "Add notes", default_roles=(CUSTOMER_ADMIN, VENDOR_ADMIN)),
        # The module's staff permission: staff holding it reach notes without the customers' view.
        Permission("notes.manage", "Manage notes", default_roles=(VENDOR_ADMIN, VENDOR_STAFF), audience="staff"),
    ]


def _visible(ctx: RequestContext) -> Any:
    """Customers see their own notes, and the vendor's once sent to them; staff see every note."""
    return or_(Note.from_vendor.is_(False), core.published_filter(ctx, "notes.note", Note))


async def _count(ctx: RequestContext) -> int | None:
    return await ctx.db.scalar(select(func.count(Note.id)).where(_visible(ctx))) or None


async def _widget(ctx: RequestContext) -> dict[str, Any]:
    return {"count": await ctx.db.scalar(select(func.count(Note.id)).where(_visible(ctx)))}


async def _awaiting(ctx: RequestContext) -> list[ActionItem]:
    rows = await ctx.db.execute(select(Note).where(Note.needs_reply.is_(True), _visible(ctx)).order_by(Note.id))
    return [ActionItem(title=n.title, url=f"/notes/{n.id}", kind="note", detail="Reply needed") for n in rows.scalars()]


@hookimpl
def portico_settings_fields() -> list[SettingsField]:
    return [
        SettingsField("greeting", "Text above the notes", default="Your notes", required=True),
        SettingsField("per_page", "Notes per page", kind="int", default=50, required=True, minimum=1, maximum=500),
        SettingsField(
            "sort", "Sort notes by", kind="choice", default="new", choices=(("new", "Newest"), ("old", "Oldest"))
        ),
        SettingsField("allow_replies", "Customers may reply", kind="bool", default=True),
        SettingsField(
            "kinds",
            "Kinds of note",
            kind="multichoice",
            default=["visit"],
            choices=(("visit", "Site visit"), ("call", "Phone call"), ("mail", "Letter")),
        ),
        SettingsField("footer", "Text below the notes", kind="textarea", default="", help="Shown under the list."),
    ]


@hookimpl
def portico_menu_items() -> list[MenuItem]:
    return [MenuItem("notes", "Notes", "/notes", "notes.view", order=50, badge=_count)]


@hookimpl
def portico_record_types() -> list[RecordType]:
    return [
        RecordType(
            "notes.note",
            "Note",
            Note,
            "notes.view",
            url=lambda n: f"/notes/{n.id}",
            title=lambda n: n.title,
            visible=_visible,
            staff_permission="notes.manage",
        )
    ]


async def _note_pdf_context(ctx: RequestContext, note: Note) -> dict[str, Any]:
    account = await ctx.db.get(core.Customer, note.customer_id)
    return {"body": note.body, "account": account.name if account else ""}


@hookimpl
def portico_document_types() -> list[DocumentType]:
    return [
        DocumentType(
            "notes.note",
            "Note",
            record_type="notes.note",
            template="notes/note_pdf.html",
            context=_note_pdf_context,
            filename=lambda n: f"note-{n.id}.pdf",
            permission="notes.view",
        )
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
        settings = ctx.module_settings("notes")
        notes = (
            (await ctx.db.execute(select(Note).where(_visible(ctx)).order_by(Note.id).limit(settings["per_page"])))
            .scalars()
            .all()
        )
        return await core.render(ctx, "notes/list.html", notes=notes, greeting=settings["greeting"])

    @get("/{note_id:int}", opt={"permission": ("notes.view", "notes.manage")})
    async def detail(self, ctx: Ctx, note_id: FromPath[int]) -> Page:
        note = await ctx.db.scalar(select(Note).where(Note.id == note_id, _visible(ctx)))
        if note is None:
            raise NotFoundException()
        await core.record_recent(ctx, title=note.title, url=f"/notes/{note.id}", kind="Note")
        document = await core.document_status(ctx, "notes.note", note)
        return await core.render(ctx, "notes/detail.html", note=note, document=document)

    @post("/", opt={"permission": "notes.add", "integers": ("customer_id",)})  # the kernel checks it
    async def add(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Redirect:
        form = await core.form_data(request)
        assert ctx.user is not None
        customer_id = int(form.get("customer_id") or ctx.user.customer_id or 0)
        visible = await ctx.db.get(core.Customer, customer_id)
        if visible is None:
            raise NotFoundException("No such customer account.")
        title = form.get("title", "")[:200] or "Untitled"
        ctx.db.add(Note(customer_id=customer_id, title=title, from_vendor=ctx.user.is_staff))
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
    notes = [
        Note(
            customer_id=customer_id,
            title=f"Note {number} of account {customer_id}",
            needs_reply=number == 1,
            from_vendor=True,
        )
        for number, customer_id in enumerate((seed.parent_customer_id, *seed.site_customer_ids))
    ]
    db.add_all(notes)
    await db.flush()
    for note in notes:
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
    # A discussion about a site's note, between the staff and the contacts of the note's account.
    seeded = (await db.execute(select(core.User).where(core.User.id.in_(seed.contact_user_ids)))).scalars().all()
    for note in notes[1:]:
        people = [c.id for c in seeded if c.customer_id == note.customer_id]
        if people and seed.staff_user_ids:
            await core.seed_thread(
                db,
                customer_id=note.customer_id,
                subject=f"Question about {note.title}",
                posts=[(people[0], "Can someone look at this note?")],
                participant_ids=[*people, seed.staff_user_ids[0]],
                record=("notes.note", note.id),
            )
            break
    if seed.portico is None or not seed.staff_user_ids:
        return  # sending makes a PDF file, which needs the portal's storage
    # The sites' notes are sent to everyone who may see them; the parent's note stays a draft.
    ctx = await core.context_for(seed.portico, db, seed.tenant_id, seed.staff_user_ids[0])
    for note in notes[1:]:
        contacts = await core.eligible_contacts(ctx, "notes.note", note)
        if contacts:
            await core.publish(ctx, "notes.note", note, contacts, message="Here is the note for your site.")
