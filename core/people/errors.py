"""The refusal the people pages show: a msgid and its values, so it reads in the user's language."""

from __future__ import annotations

from typing import Any

from core.accounts import AccountError


class PeopleError(AccountError):
    """A change refused, with the field it concerns (``""`` for the whole form)."""

    def __init__(self, msgid: str, field: str = "", **values: Any) -> None:
        super().__init__(msgid.format(**values))
        self.msgid, self.field, self.values = msgid, field, values
