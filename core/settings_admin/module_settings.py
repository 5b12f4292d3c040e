"""Validating a module's settings form against its :class:`~core.declarations.SettingsField` list.

Every value is checked on the server whatever the browser enforced: required fields, whole
numbers within the declared range, choices among the declared ones. Values are stored as their
Python types (bool, int, str, list of str) in ``TenantModule.settings``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.declarations import SettingsField
from core.i18n import Translator, english

MAX_TEXT = 1000
MAX_TEXTAREA = 10_000


def form_values(fields: Sequence[SettingsField], saved: dict[str, Any]) -> dict[str, Any]:
    """What the form shows: saved values, else the declared defaults."""
    return {f.key: saved.get(f.key, f.default) for f in fields}


def _one(field: SettingsField, raw: list[str], _: Translator) -> tuple[Any, str | None]:
    first = raw[0].strip() if raw else ""
    if field.kind == "bool":
        return first in ("1", "on", "true"), None
    if field.kind == "multichoice":
        allowed = {value for value, _label in field.choices}
        chosen = [value for value in dict.fromkeys(raw) if value]
        if any(value not in allowed for value in chosen):
            return chosen, _("Choose among the listed options.")
        if field.required and not chosen:
            return chosen, _("Choose at least one option.")
        return chosen, None
    if not first:
        return (None if field.kind == "int" else ""), (_("This field is required.") if field.required else None)
    if field.kind == "int":
        try:
            number = int(first)
        except ValueError:
            return first, _("Enter a whole number.")
        if field.minimum is not None and number < field.minimum:
            return first, _("Enter a number of at least {low}.", low=field.minimum)
        if field.maximum is not None and number > field.maximum:
            return first, _("Enter a number of at most {high}.", high=field.maximum)
        return number, None
    if field.kind == "choice":
        if first not in {value for value, _label in field.choices}:
            return first, _("Choose one of the listed options.")
        return first, None
    limit = MAX_TEXTAREA if field.kind == "textarea" else MAX_TEXT
    if len(first) > limit:
        return first, _("Enter at most {count} characters.", count=limit)
    return first, None


def validate_settings(
    fields: Sequence[SettingsField], submitted: dict[str, list[str]], _: Translator = english
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean a submitted settings form: (values by key, errors by key)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        value, problem = _one(field, submitted.get(field.key, []), _)
        values[field.key] = value
        if problem:
            errors[field.key] = problem
    return values, errors
