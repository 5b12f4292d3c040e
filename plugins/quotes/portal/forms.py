"""Reading the customer's action forms: which lines, the terms box, the typed name, the submission key."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from core import N_, is_whole_number, submission_key

MAX_NAME = 200
SCOPES = ("line", "lines", "all")


def first(form: Mapping[str, Sequence[str]], name: str) -> str:
    values = form.get(name) or [""]
    return values[0].strip()


@dataclass
class ApprovalForm:
    scope: str
    line_ids: list[int]
    accepted: bool
    typed_name: str
    key: str
    errors: dict[str, str] = field(default_factory=dict)


def read_approval(
    form: Mapping[str, Sequence[str]], record_lines: Collection[int], pending: Sequence[int]
) -> ApprovalForm:
    """The approval form, checked: at least one line of this record, the terms accepted, a name typed.

    ``scope`` "all" approves every line still ``pending``, whatever was ticked.
    """
    scope = first(form, "scope")
    scope = scope if scope in SCOPES else "lines"
    ticked = [int(v) for v in form.get("line", []) if is_whole_number(v)]
    ids = list(pending) if scope == "all" else [i for i in dict.fromkeys(ticked) if i in record_lines]
    result = ApprovalForm(
        scope=scope,
        line_ids=ids,
        accepted=first(form, "accept") == "1",
        typed_name=first(form, "typed_name")[:MAX_NAME],
        key=submission_key(form),
    )
    if not ids:
        result.errors["line"] = N_("Tick at least one line to approve.")
    if not result.accepted:
        result.errors["accept"] = N_("Tick the box to accept the approval terms.")
    if not result.typed_name:
        result.errors["typed_name"] = N_("Type your name to sign the approval.")
    return result
