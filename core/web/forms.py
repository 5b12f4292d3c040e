"""Reading submitted forms, and safe redirect targets."""

from __future__ import annotations

from typing import Any

from litestar import Request


async def form_data(request: Request[Any, Any, Any]) -> dict[str, str]:
    """Single-valued form fields as stripped-free strings (files are left out)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def form_lists(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    """Every value of every field, for checkbox groups."""
    form = await request.form()
    values: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            values.setdefault(key, []).append(value)
    return values


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: never ``//evil.example`` or an absolute URL."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def client_ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else ""
