"""Reading the admin forms: every field checked at once, so the form comes back with all its
problems and what was typed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import core
from core import RequestContext
from plugins.workorders.manage import checks
from plugins.workorders.manage.checks import FieldError
from plugins.workorders.models import WorkOrder

T = TypeVar("T")


class FormErrors(dict[str, FieldError]):
    """Field name → the problem with it."""

    @classmethod
    def refused(cls, refused: core.IntegerInputError) -> FormErrors:
        """The kernel's refusal of the form's integers, to show the form again."""
        return cls({p.name: FieldError(p.name, p.msgid, **p.values) for p in refused.problems})

    def run(self, check: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return check(*args, **kwargs)
        except FieldError as problem:
            self.setdefault(problem.field, problem)
            return None

    async def wait(self, check: Awaitable[T]) -> T | None:
        try:
            return await check
        except FieldError as problem:
            self.setdefault(problem.field, problem)
            return None

    def translated(self, ctx: RequestContext) -> dict[str, str]:
        return {name: ctx._(problem.msgid, **problem.values) for name, problem in self.items()}


async def order_values(
    ctx: RequestContext, form: Mapping[str, str], order: WorkOrder | None
) -> tuple[dict[str, Any], FormErrors]:
    """The work order's fields from its form (``order`` None: a new one)."""
    errors = FormErrors()
    site = await errors.wait(checks.customer(ctx, form.get("customer_id")))
    values: dict[str, Any] = {
        "number": await errors.wait(checks.number_free(ctx, form.get("number", ""), order.id if order else None)),
        "title": errors.run(checks.text, "title", form.get("title"), checks.TITLE_MAX),
        "kind": errors.run(checks.kind, form.get("kind")),
        "status": errors.run(checks.status, form.get("status")),
        "customer_po": errors.run(checks.text, "customer_po", form.get("customer_po"), checks.PO_MAX),
        "due_on": errors.run(checks.date, "due_on", form.get("due_on")),
        "notes": errors.run(checks.text, "notes", form.get("notes"), 10000),
        "customer_id": site.id if site else None,
        "contact_id": await errors.wait(checks.contact(ctx, form.get("contact_id"), site)) if site else None,
    }
    return values, errors


def part_values(form: Mapping[str, str]) -> tuple[dict[str, Any], FormErrors]:
    errors = FormErrors()
    values = {
        "part_number": errors.run(
            checks.text, "part_number", form.get("part_number"), checks.PART_NUMBER_MAX, required=True
        ),
        "description": errors.run(checks.text, "description", form.get("description"), checks.DESCRIPTION_MAX),
        "quantity": errors.run(checks.quantity, "quantity", form.get("quantity")),
    }
    if "quantity_done" in form:  # the edit form has it; a new part starts at 0
        values["quantity_done"] = errors.run(
            checks.quantity, "quantity_done", form.get("quantity_done") or "0", allow_zero=True
        )
    return values, errors


async def step_values(ctx: RequestContext, form: Mapping[str, str]) -> tuple[dict[str, Any], FormErrors]:
    errors = FormErrors()
    values = {
        "name": errors.run(checks.text, "name", form.get("name"), checks.STEP_NAME_MAX, required=True),
        "tag_id": await errors.wait(checks.tag_id(ctx, form.get("tag_id"))),
        "name_visible": form.get("name_visible") == "1",
    }
    return values, errors
