"""Email texts: declared defaults, the vendor's overrides, rendered in a sandbox.

Vendors edit these templates in the admin area, so they are untrusted code: they render in an
immutable sandboxed Jinja environment (no attribute access to Python internals, no mutation)
and only ever see plain values (text, numbers, lists and dicts of them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.declarations import EmailTemplate
from core.i18n import Catalogs
from core.mail.models import EmailTemplateOverride

_sandbox = ImmutableSandboxedEnvironment(autoescape=False, undefined=Undefined, keep_trailing_newline=True)
# The same sandbox, but an unknown variable is an error: used to check a vendor's edit on save.
_strict = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)


class EmailTemplateError(ValueError):
    """A template that does not compile or render; the message says where."""


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str


def _plain(value: Any) -> Any:
    """Only plain data reaches a vendor's template."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)


def render_source(subject: str, body: str, context: Mapping[str, Any], *, strict: bool = False) -> RenderedEmail:
    """Render a subject and body template; raise :class:`EmailTemplateError` with the reason."""
    env = _strict if strict else _sandbox
    values = _plain(context)
    try:
        rendered_subject = env.from_string(subject).render(values)
        rendered_body = env.from_string(body).render(values)
    except TemplateError as exc:
        raise EmailTemplateError(str(exc)) from exc
    # A subject is one line: a line break would let a template add mail headers.
    return RenderedEmail(" ".join(rendered_subject.split()), rendered_body)


#: What every email template may use besides its own variables (filled in by send_email).
PORTAL_VARIABLES = ("portal_name", "portal_url", "vendor_name", "contact_email", "contact_phone")


def sample_values(declared: EmailTemplate) -> dict[str, str]:
    """A placeholder for every variable the template may use, for checks and previews."""
    return {name: f"[{name}]" for name in (*PORTAL_VARIABLES, *(n for n, _ in declared.variables))}


def check_source(declared: EmailTemplate, subject: str, body: str) -> None:
    """Refuse a vendor's edit that does not compile or names a variable the event does not have."""
    render_source(subject, body, sample_values(declared), strict=True)


async def load_override(db: AsyncSession, key: str) -> EmailTemplateOverride | None:
    return await db.scalar(select(EmailTemplateOverride).where(EmailTemplateOverride.key == key))


async def render_email(
    db: AsyncSession,
    declared: EmailTemplate,
    context: Mapping[str, Any],
    *,
    language: str,
    translations: Catalogs,
) -> RenderedEmail:
    """The vendor's version of the email if it has one, else the declared default in ``language``."""
    override = await load_override(db, declared.key)
    if override is not None:
        return render_source(override.subject, override.body, context)
    return render_source(
        translations.lookup(language, declared.subject), translations.lookup(language, declared.body), context
    )
