"""Customer accounts and contacts for the vendor's admins; users for customer admins."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.context import Ctx, RequestContext
from core.i18n import N_
from core.models import Customer, User
from core.people import customers as accounts
from core.people import views
from core.people.activity import open_activity
from core.people.errors import PeopleError
from core.web.forms import form_data
from core.web.inputs import IntegerInputError
from core.web.rendering import Page, render
from core.web.sessions import flash

CONTACTS = views.Section("/admin/contacts", N_("Contacts"))
USERS = views.Section("/users", N_("Users"))


class CustomersController(Controller):
    path = "/admin/customers"
    opt = {"permission": "core.admin.customers"}

    async def _list(
        self, ctx: RequestContext, params: Any, form: dict[str, str], errors: dict[str, str], status: int = 200
    ) -> Page:
        everything = await accounts.all_customers(ctx)
        query, state = params.get("q", "")[:100], params.get("status", "")
        rows = accounts.as_tree(everything, query, state)
        activity = await open_activity(ctx, [row.customer.id for row in rows])
        return await render(
            ctx,
            "core/people/customers.html",
            status_code=status,
            rows=rows,
            activity=activity,
            query=query,
            status=state,
            parents=everything,
            form=form,
            errors=errors,
        )

    @get("/")
    async def index(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
        return await self._list(ctx, request.query_params, {}, {})

    @post("/", opt={"integers": ("parent_id",)})
    async def create(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
        try:
            form = await form_data(request)
        except IntegerInputError as refused:
            return await self._list(ctx, {}, refused.form, refused.errors(ctx), 400)
        try:
            customer = await accounts.add_customer(
                ctx, form.get("name", ""), await accounts.parent_from_form(ctx, form.get("parent_id", ""))
            )
        except PeopleError as refused:
            errors = {refused.field or "name": ctx._(refused.msgid, **refused.values)}
            return await self._list(ctx, {}, form, errors, 400)
        flash(ctx.session, ctx._("{name} was added.", name=customer.name))
        await ctx.db.commit()
        return Redirect(f"/admin/customers/{customer.id}")

    async def _customer(self, ctx: RequestContext, customer_id: int) -> Customer:
        customer = await accounts.get_customer(ctx, customer_id)
        if customer is None:
            raise NotFoundException()
        return customer

    async def _detail(
        self, ctx: RequestContext, customer: Customer, errors: dict[str, str] | None = None, status: int = 200
    ) -> Page:
        below = await accounts.subtree(ctx, customer)
        contacts = await ctx.db.execute(
            select(User)
            .where(User.customer_id.in_([c.id for c in below]))
            .options(selectinload(User.role))
            .order_by(User.last_name, User.first_name)
        )
        everything = await accounts.all_customers(ctx)
        return await render(
            ctx,
            "core/people/customer.html",
            status_code=status,
            customer=customer,
            sites=[c for c in below if c.id != customer.id],
            names={c.id: c.name for c in everything},
            contacts=list(contacts.scalars()),
            activity=await open_activity(ctx, [c.id for c in below]),
            # Where it may move: anywhere except under itself or its own sites.
            parents=[c for c in everything if not c.path.startswith(customer.path)],
            errors=errors or {},
        )

    @get("/{customer_id:int}")
    async def detail(self, ctx: Ctx, customer_id: FromPath[int]) -> Page:
        return await self._detail(ctx, await self._customer(ctx, customer_id))

    @post("/{customer_id:int}")
    async def save(self, ctx: Ctx, customer_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        customer = await self._customer(ctx, customer_id)
        form = await form_data(request)
        try:
            customer.name = accounts.clean_name(form.get("name", ""))
        except PeopleError as refused:
            return await self._detail(ctx, customer, {"name": ctx._(refused.msgid, **refused.values)}, 400)
        active = form.get("active") == "1"
        if active != customer.active:
            await accounts.set_customer_active(ctx, customer, active)
        flash(ctx.session, ctx._("Changes saved."))
        await ctx.db.commit()
        return Redirect(f"/admin/customers/{customer.id}")

    @post("/{customer_id:int}/move", opt={"integers": ("parent_id",)})
    async def move(self, ctx: Ctx, customer_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
        customer = await self._customer(ctx, customer_id)
        try:
            form = await form_data(request)
        except IntegerInputError as refused:
            return await self._detail(ctx, customer, refused.errors(ctx), 400)
        try:
            await accounts.move_customer(ctx, customer, await accounts.parent_from_form(ctx, form.get("parent_id", "")))
        except PeopleError as refused:
            return await self._detail(ctx, customer, {"parent_id": ctx._(refused.msgid, **refused.values)}, 400)
        flash(ctx.session, ctx._("{name} was moved.", name=customer.name))
        await ctx.db.commit()
        return Redirect(f"/admin/customers/{customer.id}")

    @post("/{customer_id:int}/active")
    async def set_active(self, ctx: Ctx, customer_id: FromPath[int], request: Request[Any, Any, Any]) -> Redirect:
        customer = await self._customer(ctx, customer_id)
        form = await form_data(request)
        if form.get("active") not in ("0", "1"):
            raise ValidationException(N_("Say whether the account should be active (active=1) or not (active=0)."))
        active = form.get("active") == "1"
        count = await accounts.set_customer_active(ctx, customer, active)
        if active:
            flash(
                ctx.session,
                ctx._("{name} and its sites are active again ({count} accounts).", name=customer.name, count=count),
            )
        else:
            flash(
                ctx.session,
                ctx._(
                    "{name} and its sites are deactivated ({count} accounts); their contacts were signed out.",
                    name=customer.name,
                    count=count,
                ),
            )
        await ctx.db.commit()
        return Redirect(f"/admin/customers/{customer.id}")


def people_controller(section: views.Section, permission: str, name: str) -> type[Controller]:
    """The people pages at ``section.base``, guarded by ``permission``: one set of handlers for
    the vendor's contacts and the customer admin's users."""

    class PeopleController(Controller):
        path = section.base
        opt = {"permission": permission}

        @get("/", opt={"integers": ("customer", "role")})
        async def index(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
            return await views.list_page(ctx, section, request.query_params)

        @get("/new", opt={"integers": ("customer",)})
        async def new(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page:
            return await views.new_page(ctx, section, request.query_params)

        @post("/", opt=views.PERSON_INTEGERS)
        async def create(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Page | Redirect:
            return await views.create(ctx, section, request)

        @get("/{user_id:int}")
        async def edit(self, ctx: Ctx, user_id: FromPath[int]) -> Page:
            return await views.edit_page(ctx, section, user_id)

        @post("/{user_id:int}", opt=views.PERSON_INTEGERS)
        async def save(self, ctx: Ctx, user_id: FromPath[int], request: Request[Any, Any, Any]) -> Page | Redirect:
            return await views.save(ctx, section, user_id, request)

        @post("/{user_id:int}/deactivate")
        async def deactivate(self, ctx: Ctx, user_id: FromPath[int]) -> Redirect:
            return await views.set_active(ctx, section, user_id, False)

        @post("/{user_id:int}/reactivate")
        async def reactivate(self, ctx: Ctx, user_id: FromPath[int]) -> Redirect:
            return await views.set_active(ctx, section, user_id, True)

        @post("/{user_id:int}/grant-access")
        async def grant_access(self, ctx: Ctx, user_id: FromPath[int]) -> Redirect:
            return await views.set_access(ctx, section, user_id, True)

        @post("/{user_id:int}/remove-access")
        async def remove_access(self, ctx: Ctx, user_id: FromPath[int]) -> Redirect:
            return await views.set_access(ctx, section, user_id, False)

        @post("/{user_id:int}/invite")
        async def invite(self, ctx: Ctx, user_id: FromPath[int]) -> Redirect:
            return await views.invitation(ctx, section, user_id)

        @get("/{user_id:int}/sign-ins")
        async def sign_ins(self, ctx: Ctx, user_id: FromPath[int]) -> Page:
            return await views.sign_ins_page(ctx, section, user_id)

    PeopleController.__name__ = PeopleController.__qualname__ = name
    return PeopleController


#: The vendor's view of every customer contact.
ContactsController = people_controller(CONTACTS, "core.admin.contacts", "ContactsController")
#: A customer admin's users: their own account and its sites, the roles the vendor allows.
UsersController = people_controller(USERS, "core.users.manage", "UsersController")
