"""Reading the "start a discussion" form: every field checked, every refusal kept for the page."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.context import RequestContext
from core.discussions.access import sees_every_thread
from core.discussions.posting import (
    DiscussionError,
    RecordLink,
    check_account,
    check_record,
    choose_people,
    clean_body,
    clean_subject,
    parse_ids,
)
from core.i18n import N_
from core.integers import is_whole_number
from core.models import User


def first(form: dict[str, list[str]], key: str) -> str:
    return (form.get(key) or [""])[0]


def as_id(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if is_whole_number(value) else None


@dataclass
class NewThread:
    """What the form asks for; ``errors`` maps a field to the msgid of its refusal."""

    customer_id: int | None = None
    subject: str = ""
    body: str = ""
    people: list[User] = field(default_factory=list)
    internal: bool = False
    record: RecordLink | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def refuse(self, refused: DiscussionError) -> None:
        self.errors.setdefault(refused.field, str(refused))


async def read_new_thread(ctx: RequestContext, form: dict[str, list[str]]) -> NewThread:
    """Check the whole form (not only up to the first mistake), so the page shows every problem."""
    draft = NewThread(internal=first(form, "internal") == "1" and sees_every_thread(ctx))
    try:
        draft.customer_id = await check_account(ctx, as_id(first(form, "customer_id")))
    except DiscussionError as refused:
        draft.refuse(refused)
    try:
        draft.subject = clean_subject(first(form, "subject"))
    except DiscussionError as refused:
        draft.refuse(refused)
    try:
        draft.body = clean_body(first(form, "body"))
    except DiscussionError as refused:
        draft.refuse(refused)
    if draft.customer_id is None:  # people and records are checked against the account
        return draft
    try:
        if first(form, "record_type"):
            record_id = as_id(first(form, "record_id"))
            if record_id is None:
                raise DiscussionError(N_("That record cannot be found."), "record")
            draft.record = await check_record(ctx, first(form, "record_type"), record_id, draft.customer_id)
    except DiscussionError as refused:
        draft.refuse(refused)
    try:
        draft.people = await choose_people(
            ctx,
            draft.customer_id,
            parse_ids(form.get("participant", [])),
            staff_group=ctx.is_contact and first(form, "staff_group") == "1",
            internal=draft.internal,
        )
        if ctx.is_contact and not draft.people:
            raise DiscussionError(N_("Choose who takes part in the discussion."), "participants")
    except DiscussionError as refused:
        draft.refuse(refused)
    return draft
