"""A vendor's session limits: idle timeout and absolute lifetime, overriding the deployment's.

Kept in ``Tenant.settings`` (``session_idle_minutes``, ``session_max_hours``); a missing value
means the deployment default (``PORTICO_SESSION_IDLE_MINUTES`` / ``PORTICO_SESSION_MAX_HOURS``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from core.i18n import Translator, english
from core.models import Tenant
from core.settings import Settings

IDLE_MINUTES = (5, 24 * 60)  # five minutes to a day
MAX_HOURS = (1, 90 * 24)  # an hour to ninety days


def session_settings(settings: Settings, tenant: Tenant) -> Settings:
    """The deployment's settings with this tenant's session limits in force."""
    saved = tenant.settings or {}
    idle, lifetime = saved.get("session_idle_minutes"), saved.get("session_max_hours")
    if idle is None and lifetime is None:
        return settings
    return replace(
        settings,
        session_idle_minutes=int(idle) if idle is not None else settings.session_idle_minutes,
        session_max_hours=int(lifetime) if lifetime is not None else settings.session_max_hours,
    )


def _number(raw: str, bounds: tuple[int, int], _: Translator) -> tuple[int | None, str | None]:
    raw = raw.strip()
    if not raw:
        return None, None  # the deployment default
    if not (raw.isascii() and raw.isdigit()):  # "²".isdigit() is true, and int() refuses it
        return None, _("Enter a whole number.")
    value = int(raw)
    low, high = bounds
    if not low <= value <= high:
        return None, _("Enter a number from {low} to {high}.", low=low, high=high)
    return value, None


def validate_security(
    form: dict[str, str], defaults: Settings, _: Translator = english
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean the security form: (values for Tenant.settings, errors by field)."""
    errors: dict[str, str] = {}
    idle, problem = _number(form.get("session_idle_minutes", ""), IDLE_MINUTES, _)
    if problem:
        errors["session_idle_minutes"] = problem
    lifetime, problem = _number(form.get("session_max_hours", ""), MAX_HOURS, _)
    if problem:
        errors["session_max_hours"] = problem
    if not errors:
        effective_idle = idle if idle is not None else defaults.session_idle_minutes
        effective_max = lifetime if lifetime is not None else defaults.session_max_hours
        if effective_idle > effective_max * 60:
            errors["session_idle_minutes"] = _("The idle timeout cannot be longer than the session lifetime.")
    return {"session_idle_minutes": idle, "session_max_hours": lifetime}, errors
