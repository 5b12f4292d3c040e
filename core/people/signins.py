"""A person's sign-in history, with the browser shown the way people name it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from core.context import RequestContext
from core.i18n import N_
from core.models import CHECKING, RIGHT, THROTTLED, WRONG, LoginAttempt, User

HISTORY_LIMIT = 100

# Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"(?:OPR|Opera)/(\d+)")),
    ("Firefox", re.compile(r"(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"(?:Chrome|CriOS)/(\d+)")),
    ("Safari", re.compile(r"Version/(\d+)[.\d]* (?:Mobile/\S+ )?Safari/")),
)
_SYSTEMS = (
    ("Android", re.compile(r"Android")),
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux")),
)


def _english(msgid: str, **values: Any) -> str:
    return msgid.format(**values)


def describe_browser(user_agent: str, gettext: Callable[..., str] = _english) -> str:
    """ "Chrome 124 on Windows" from a full user-agent string; the raw start when unrecognised."""
    browser = next((f"{name} {m.group(1)}" for name, rx in _BROWSERS if (m := rx.search(user_agent))), "")
    system = next((name for name, rx in _SYSTEMS if rx.search(user_agent)), "")
    if browser and system:
        return gettext(N_("{browser} on {system}"), browser=browser, system=system)
    return browser or system or user_agent[:60]


#: What the history says of each result (core.models.LoginAttempt.result).
RESULT_LABELS = {
    RIGHT: N_("Signed in"),
    WRONG: N_("Wrong password"),
    THROTTLED: N_("Refused: too many attempts"),
    CHECKING: N_("Not finished"),  # still being checked, or the check was cut short
}


@dataclass(frozen=True)
class SignIn:
    at: dt.datetime
    ip: str
    browser: str
    result: str

    @property
    def success(self) -> bool:
        return self.result == RIGHT

    @property
    def label(self) -> str:
        return RESULT_LABELS.get(self.result, RESULT_LABELS[CHECKING])


async def sign_ins_of(ctx: RequestContext, person: User) -> list[SignIn]:
    """The person's latest attempts, newest first: those tied to their account and failed ones
    typed with their email (a wrong password leaves no user id on a throttled attempt)."""
    rows = await ctx.db.execute(
        select(LoginAttempt)
        .where((LoginAttempt.user_id == person.id) | (LoginAttempt.email == person.email))
        .order_by(LoginAttempt.at.desc(), LoginAttempt.id.desc())
        .limit(HISTORY_LIMIT)
    )
    return [SignIn(a.at, a.ip, describe_browser(a.user_agent, ctx._), a.result) for a in rows.scalars()]
