"""The discussion pages: the list, a new thread, a thread with its posts and people."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.context import Ctx, RequestContext
from core.discussions.access import STAFF, VIEW, load_thread, my_participation, sees_every_thread
from core.discussions.forms import as_id, first, read_new_thread
from core.discussions.listing import FILTERS, list_threads, record_links
from core.discussions.models import DiscussionParticipant, DiscussionPost, DiscussionThread
from core.discussions.posting import (
    DiscussionError,
    RecordLink,
    account_contacts,
    add_people,
    choose_people,
    clean_body,
    discussion_staff,
    mark_read,
    parse_ids,
    post_reply,
    staff_members,
    start_thread,
)
from core.models import Customer, User
from core.records import load_record
from core.web.forms import form_data, form_lists
from core.web.inputs import IntegerInputError
from core.web.rendering import Page, render
from core.web.sessions import flash

AnyRequest = Request[Any, Any, Any]


async def _prefilled_record(
    ctx: RequestContext, key: str, record_id: int | None
) -> tuple[RecordLink, int | None] | None:
    """The record a "Start a discussion" link names, with its account, if this user may see it."""
    if not key or record_id is None:
        return None
    found = await load_record(ctx, key, record_id)
    if found is None:
        return None
    kind, row = found
    owner = getattr(row, "customer_id", None)
    if ctx.is_contact and owner not in (None, ctx.user.customer_id if ctx.user else None):
        return None
    return RecordLink(key, record_id, kind.title(row), kind.url(row)), owner


class DiscussionsController(Controller):
    path = "/discussions"
    opt = {"permission": VIEW}

    @get("/")
    async def index(self, ctx: Ctx, request: AnyRequest) -> Page:
        shown = request.query_params.get("show", "all")
        shown = shown if shown in FILTERS else "all"
        search = (request.query_params.get("q") or "")[:200]
        rows = await list_threads(ctx, shown, search)
        return await render(
            ctx,
            "core/discussions/list.html",
            rows=rows,
            shown=shown,
            search=search,
            all_accounts=sees_every_thread(ctx),
        )

    # --- starting a thread ----------------------------------------------------------------

    async def _new_page(
        self,
        ctx: RequestContext,
        *,
        customer_id: int | None,
        record: RecordLink | None,
        form: dict[str, list[str]],
        errors: dict[str, str],
        status: int = 200,
    ) -> Page:
        assert ctx.user is not None
        accounts: list[Customer] = []
        account = None
        contacts: list[User] = []
        staff: list[User] = []
        if ctx.is_contact:
            customer_id = ctx.user.customer_id
        else:
            accounts = list(
                (await ctx.db.execute(select(Customer).where(Customer.active.is_(True)).order_by(Customer.path)))
                .scalars()
                .all()
            )
            staff = [u for u in await staff_members(ctx) if u.id != ctx.user.id]
        if customer_id is not None:
            account = await ctx.db.get(Customer, customer_id)
        if account is not None:
            contacts = [u for u in await account_contacts(ctx, account.id) if u.id != ctx.user.id]
        return await render(
            ctx,
            "core/discussions/new.html",
            status_code=status,
            accounts=accounts,
            account=account,
            contacts=contacts,
            staff=staff,
            record=record,
            form=form,
            values={key: (value[0] if value else "") for key, value in form.items()},
            chosen=set(form.get("participant", [])),
            errors=errors,
            can_mark_internal=sees_every_thread(ctx),
        )

    @get("/new", opt={"integers": ("id", "customer_id")})
    async def new(self, ctx: Ctx, request: AnyRequest) -> Page:
        params = request.query_params
        prefilled = await _prefilled_record(ctx, params.get("record") or "", as_id(params.get("id")))
        customer_id = as_id(params.get("customer_id"))
        record = None
        if prefilled is not None:
            record, owner = prefilled
            customer_id = owner if owner is not None else customer_id
        form = {"staff_group": ["1"]}
        return await self._new_page(ctx, customer_id=customer_id, record=record, form=form, errors={})

    @post("/new", opt={"integers": ("customer_id", "record_id", "participant")})
    async def create(self, ctx: Ctx, request: AnyRequest) -> Page | Redirect:
        try:
            form = await form_lists(request)
        except IntegerInputError as refused:
            customer_id = as_id(refused.form.get("customer_id"))
            if customer_id is None and ctx.is_staff:
                raise  # without an account the page has no form to show the message on: the kernel's page says it
            errors = refused.errors(ctx, record_id="record", participant="participants")
            return await self._new_page(
                ctx, customer_id=customer_id, record=None, form=refused.lists, errors=errors, status=400
            )
        draft = await read_new_thread(ctx, form)
        if draft.errors or draft.customer_id is None:
            errors = {key: ctx._(msgid) for key, msgid in draft.errors.items()}
            return await self._new_page(
                ctx, customer_id=draft.customer_id, record=draft.record, form=form, errors=errors, status=400
            )
        thread = await start_thread(
            ctx,
            customer_id=draft.customer_id,
            subject=draft.subject,
            body=draft.body,
            people=draft.people,
            internal=draft.internal,
            record=draft.record,
        )
        flash(ctx.session, ctx._("Your discussion has started."))
        await ctx.db.commit()
        return Redirect(f"/discussions/{thread.id}")

    # --- one thread -----------------------------------------------------------------------

    async def _thread_page(
        self,
        ctx: RequestContext,
        thread: DiscussionThread,
        *,
        form: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
        new_after: int | None = None,
    ) -> Page:
        assert ctx.user is not None
        posts = list(
            (
                await ctx.db.execute(
                    select(DiscussionPost)
                    .options(selectinload(DiscussionPost.author))
                    .where(DiscussionPost.thread_id == thread.id)
                    .order_by(DiscussionPost.id)
                )
            ).scalars()
        )
        participations = list(
            (
                await ctx.db.execute(
                    select(DiscussionParticipant)
                    .options(selectinload(DiscussionParticipant.user))
                    .where(DiscussionParticipant.thread_id == thread.id)
                    .order_by(DiscussionParticipant.id)
                )
            ).scalars()
        )
        people = [p.user for p in participations if p.user is not None]
        if thread.internal:  # a contact left in an internal thread is kept out of it
            people = [u for u in people if u.customer_id is None]
        mine = next((p for p in participations if p.user_id == ctx.user.id), None)
        present = {p.user_id for p in participations}
        addable_contacts = []
        if not thread.internal:
            addable_contacts = [u for u in await account_contacts(ctx, thread.customer_id) if u.id not in present]
        addable_staff: list[User] = []
        staff_group_missing = False
        if ctx.is_staff:
            addable_staff = [u for u in await staff_members(ctx) if u.id not in present]
        else:
            staff_group_missing = any(u.id not in present for u in await discussion_staff(ctx))
        account = await ctx.db.get(Customer, thread.customer_id)
        record = (await record_links(ctx, [thread])).get(thread.id)
        return await render(
            ctx,
            "core/discussions/detail.html",
            status_code=status,
            thread=thread,
            account=account,
            posts=posts,
            people=people,
            mine=mine,
            record=record,
            addable_contacts=addable_contacts,
            addable_staff=addable_staff,
            staff_group_missing=staff_group_missing,
            can_mark_internal=sees_every_thread(ctx),
            form=form or {},
            errors=errors or {},
            new_after=new_after,
        )

    async def _thread(self, ctx: RequestContext, thread_id: int) -> DiscussionThread:
        thread = await load_thread(ctx, thread_id)
        if thread is None:
            raise NotFoundException()
        return thread

    @get("/{thread_id:int}")
    async def detail(self, ctx: Ctx, thread_id: FromPath[int]) -> Page:
        thread = await self._thread(ctx, thread_id)
        mine = await my_participation(ctx, thread.id)
        # Read from now on (the menu badge of this very page counts it no more); the posts that
        # were new are marked on the page.
        new_after = mine.last_read_post_id if mine is not None else None
        mark_read(thread, mine)
        await ctx.db.commit()
        return await self._thread_page(ctx, thread, new_after=new_after)

    @post("/{thread_id:int}/reply")
    async def reply(self, ctx: Ctx, thread_id: FromPath[int], request: AnyRequest) -> Page | Redirect:
        thread = await self._thread(ctx, thread_id)
        form = await form_data(request)
        try:
            body = clean_body(form.get("body", ""))
        except DiscussionError as refused:
            return await self._thread_page(ctx, thread, form=form, errors={"body": ctx._(str(refused))}, status=400)
        await post_reply(ctx, thread, body)
        flash(ctx.session, ctx._("Your reply was posted."))
        await ctx.db.commit()
        return Redirect(f"/discussions/{thread.id}")

    @post("/{thread_id:int}/participants", opt={"integers": ("participant",)})
    async def add_participants(self, ctx: Ctx, thread_id: FromPath[int], request: AnyRequest) -> Page | Redirect:
        thread = await self._thread(ctx, thread_id)
        try:
            form = await form_lists(request)
        except IntegerInputError as refused:
            errors = refused.errors(ctx, participant="participants")
            return await self._thread_page(ctx, thread, errors=errors, status=400)
        try:
            people = await choose_people(
                ctx,
                thread.customer_id,
                parse_ids(form.get("participant", [])),
                staff_group=ctx.is_contact and first(form, "staff_group") == "1",
                internal=thread.internal,
            )
        except DiscussionError as refused:
            return await self._thread_page(ctx, thread, errors={"participants": ctx._(str(refused))}, status=400)
        added = await add_people(ctx, thread, people)
        if added:
            flash(ctx.session, ctx._("People added to the discussion: {count}.", count=len(added)))
        await ctx.db.commit()
        return Redirect(f"/discussions/{thread.id}")

    @post("/{thread_id:int}/archive")
    async def archive(self, ctx: Ctx, thread_id: FromPath[int], request: AnyRequest) -> Redirect:
        thread = await self._thread(ctx, thread_id)
        mine = await my_participation(ctx, thread.id)
        if mine is None:  # only participants have a list to archive it from
            raise NotFoundException()
        archived = (await form_data(request)).get("archived", "1") != "0"
        mine.archived = archived
        message = ctx._("Discussion archived.") if archived else ctx._("Discussion moved back to your list.")
        flash(ctx.session, message)
        await ctx.db.commit()
        return Redirect("/discussions" if archived else f"/discussions/{thread.id}")

    @post("/{thread_id:int}/internal", opt={"permission": STAFF})
    async def internal(self, ctx: Ctx, thread_id: FromPath[int], request: AnyRequest) -> Redirect:
        thread = await self._thread(ctx, thread_id)
        thread.internal = (await form_data(request)).get("internal", "1") != "0"
        if thread.internal:
            flash(ctx.session, ctx._("The discussion is now internal: customers no longer see it."))
        else:
            flash(ctx.session, ctx._("The discussion is visible to its customer participants again."))
        await ctx.db.commit()
        return Redirect(f"/discussions/{thread.id}")
