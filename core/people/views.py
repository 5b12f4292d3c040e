"""The people pages, shared by the vendor's ``/admin/contacts`` and the customer admin's ``/users``.

The two controllers differ only in their address, title and permission; what a manager may do
is decided in :mod:`core.people.directory` from who the manager is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from core.access import send_invitation as invite
from core.accounts import AccountError
from core.context import RequestContext
from core.i18n import N_
from core.models import User
from core.people import directory
from core.people.errors import PeopleError
from core.people.signins import sign_ins_of
from core.web.forms import form_data
from core.web.inputs import IntegerInputError
from core.web.rendering import Page, render
from core.web.sessions import flash

NEW_PERSON = {"portal_access": "1"}


#: The person form's integers, for its routes' ``opt`` (the kernel checks them).
PERSON_INTEGERS = {"integers": ("customer_id",)}


@dataclass(frozen=True)
class Section:
    """Where the pages live and what they are called."""

    base: str
    title: str


async def _person(ctx: RequestContext, user_id: int) -> User:
    person = await directory.get_person(ctx, user_id)
    if person is None:
        raise NotFoundException()
    return person


async def list_page(ctx: RequestContext, section: Section, params: Mapping[str, str]) -> Page:
    filters = directory.Filters.from_params(params)
    return await render(
        ctx,
        "core/people/people.html",
        section=section,
        filters=filters,
        people=await directory.list_people(ctx, filters),
        accounts=await directory.visible_accounts(ctx),
        roles=await directory.customer_roles(ctx),
        limit=directory.LIST_LIMIT,
    )


async def form_page(
    ctx: RequestContext,
    section: Section,
    person: User | None,
    form: Mapping[str, Any],
    errors: Mapping[str, str] | None = None,
    status: int = 200,
) -> Page:
    return await render(
        ctx,
        "core/people/person.html",
        status_code=status,
        section=section,
        person=person,
        form=form,
        errors=errors or {},
        accounts=await directory.visible_accounts(ctx),
        roles=await directory.assignable_roles(ctx),
    )


def _errors(ctx: RequestContext, refused: PeopleError) -> dict[str, str]:
    return {refused.field or "form": ctx._(refused.msgid, **refused.values)}


async def new_page(ctx: RequestContext, section: Section, params: Mapping[str, str]) -> Page:
    form = dict(NEW_PERSON)
    if params.get("customer"):  # checked by the kernel (the route's opt)
        form["customer_id"] = params["customer"]
    return await form_page(ctx, section, None, form)


async def create(ctx: RequestContext, section: Section, request: Request[Any, Any, Any]) -> Page | Redirect:
    try:
        form = await form_data(request)
    except IntegerInputError as refused:
        return await form_page(ctx, section, None, refused.form, refused.errors(ctx), 400)
    try:
        person = await directory.add_person(ctx, await directory.check_person(ctx, form, None))
    except PeopleError as refused:
        return await form_page(ctx, section, None, form, _errors(ctx, refused), 400)
    flash(ctx.session, ctx._("{name} was added.", name=person.display_name))
    await ctx.db.commit()
    return Redirect(f"{section.base}/{person.id}")


async def edit_page(ctx: RequestContext, section: Section, user_id: int) -> Page:
    person = await _person(ctx, user_id)
    return await form_page(ctx, section, person, directory.form_of(person))


async def save(ctx: RequestContext, section: Section, user_id: int, request: Request[Any, Any, Any]) -> Page | Redirect:
    person = await _person(ctx, user_id)
    try:
        form = await form_data(request)
    except IntegerInputError as refused:
        return await form_page(ctx, section, person, refused.form, refused.errors(ctx), 400)
    try:
        await directory.update_person(ctx, person, await directory.check_person(ctx, form, person))
    except PeopleError as refused:
        return await form_page(ctx, section, person, form, _errors(ctx, refused), 400)
    flash(ctx.session, ctx._("Changes saved."))
    await ctx.db.commit()
    return Redirect(f"{section.base}/{person.id}")


async def set_active(ctx: RequestContext, section: Section, user_id: int, active: bool) -> Redirect:
    person = await _person(ctx, user_id)
    try:
        await directory.set_person_active(ctx, person, active)
    except PeopleError as refused:
        flash(ctx.session, ctx._(refused.msgid, **refused.values), "error")
    else:
        message = N_("{name} can use the portal again.") if active else N_("{name} is deactivated and signed out.")
        flash(ctx.session, ctx._(message, name=person.display_name))
    await ctx.db.commit()
    return Redirect(f"{section.base}/{person.id}")


async def set_access(ctx: RequestContext, section: Section, user_id: int, access: bool) -> Redirect:
    person = await _person(ctx, user_id)
    try:
        await directory.set_portal_access(ctx, person, access)
    except PeopleError as refused:
        flash(ctx.session, ctx._(refused.msgid, **refused.values), "error")
    else:
        message = (
            N_("{name} may now sign in to the portal.")
            if access
            else N_("{name} can no longer sign in and was signed out.")
        )
        flash(ctx.session, ctx._(message, name=person.display_name))
    await ctx.db.commit()
    return Redirect(f"{section.base}/{person.id}")


async def invitation(ctx: RequestContext, section: Section, user_id: int) -> Redirect:
    person = await _person(ctx, user_id)
    try:
        await invite(ctx, person)
    except AccountError as refused:
        flash(ctx.session, ctx._(str(refused)), "error")
    else:
        flash(ctx.session, ctx._("An invitation is on its way to {email}.", email=person.email))
    await ctx.db.commit()
    return Redirect(f"{section.base}/{person.id}")


async def sign_ins_page(ctx: RequestContext, section: Section, user_id: int) -> Page:
    person = await _person(ctx, user_id)
    return await render(
        ctx, "core/people/sign_ins.html", section=section, person=person, attempts=await sign_ins_of(ctx, person)
    )
