"""Reading submitted forms, and safe redirect targets."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from litestar import Request
from litestar.datastructures import FormMultiDict

from core.web.inputs import IntegerInputError, declared_inputs, problems_in


async def form_data(request: Request[Any, Any, Any]) -> dict[str, str]:
    """Single-valued form fields as stripped-free strings (files are left out).

    Raises :class:`~core.web.inputs.IntegerInputError` when a field the route names in
    ``opt["integers"]`` is not a whole number in range; ``.form`` holds these same values.
    """
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    _check_integers(request, form, {key: [value] for key, value in values.items()})
    return values


async def form_lists(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    """Every value of every field, for checkbox groups (integers checked as in :func:`form_data`)."""
    form = await request.form()
    values: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            values.setdefault(key, []).append(value)
    _check_integers(request, form, values)
    return values


def _check_integers(request: Request[Any, Any, Any], form: FormMultiDict, values: dict[str, list[str]]) -> None:
    if problems := problems_in(form, declared_inputs(request.route_handler), "form"):
        raise IntegerInputError(problems, values)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: never ``//evil.example`` or an absolute URL."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def client_ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else ""


SUBMISSION_KEY_FIELD = "submission_key"
_SUBMISSION_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_submission_key() -> str:
    """A token for one action form (``<input type="hidden" name="submission_key">``): store it in
    a ``unique`` column of the row the action writes, and a second submission of the same form (a
    double click, a resent request) finds that row instead of writing another."""
    return secrets.token_urlsafe(24)


def submission_key(form: Mapping[str, Any]) -> str:
    """The form's submission key, or "" when it has none or one the server never made."""
    value = form.get(SUBMISSION_KEY_FIELD) or ""
    if isinstance(value, Sequence) and not isinstance(value, str):
        value = value[0] if value else ""
    value = str(value).strip()
    return value if _SUBMISSION_KEY.match(value) else ""
