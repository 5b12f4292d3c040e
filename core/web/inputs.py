"""Integer inputs, checked in one place before a handler can use them.

An id, a page or a count that reaches the database must fit its INTEGER column: PostgreSQL refuses
to compare one with 2**31 and SQLite cannot even bind 10**30, so an unchecked value turns a typo
into a 500. A route's integers are found in two places, and checked the same way:

- its handler's signature: every parameter typed ``int`` (``int | None``, ``list[int]``,
  ``FromQuery[int]``) that is not part of the path. Litestar's ``Parameter(ge=..., le=...)`` sets
  another range;
- ``opt={"integers": ("site", "before")}``: values the handler reads itself, from the query string
  or from the form (``core.form_data`` / ``core.form_lists``); ``IntegerInput("position", -99, 99)``
  in that list sets another range.

Each value must be digits only, from 0 (or ``ge``) to 2**31 - 1 (or ``le``); an empty value counts
as absent. The access guard checks the query string before the handler runs; the form readers check
the form and raise :class:`IntegerInputError`, which a handler catches to show its form again with
the message. Uncaught, it is a 400: a page, or JSON under ``/api/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec
from litestar import Request
from litestar.enums import ParamType
from litestar.exceptions import ClientException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import ParameterKwarg

from core.i18n import N_
from core.integers import MAX_INT, is_whole_number

if TYPE_CHECKING:
    from litestar.typing import FieldDefinition

    from core.context import RequestContext

OPT_KEY = "integers"
MESSAGE = N_("Enter a whole number from {low} to {high}.")


@dataclass(frozen=True)
class IntegerInput:
    """One integer a route accepts: its name in the query string or the form, and its range."""

    name: str
    low: int = 0
    high: int = MAX_INT


@dataclass(frozen=True)
class IntegerProblem:
    name: str
    source: str  # "query" or "form"
    low: int
    high: int

    msgid = MESSAGE

    @property
    def values(self) -> dict[str, int]:
        return {"low": self.low, "high": self.high}

    def english(self) -> str:
        return MESSAGE.format(**self.values)


class IntegerInputError(ClientException):
    """Integers a request carries that are not whole numbers in range. What was posted, to show
    the form again: ``form`` (one value a field, as ``form_data`` gives) and ``lists`` (all of them)."""

    def __init__(self, problems: list[IntegerProblem], lists: Mapping[str, list[str]] | None = None) -> None:
        self.problems = problems
        self.lists = {key: list(values) for key, values in (lists or {}).items()}
        self.form = {key: values[-1] for key, values in self.lists.items() if values}
        super().__init__(
            detail=" ".join(f"{p.name}: {p.english()}" for p in problems),
            extra=[{"key": p.name, "source": p.source, "message": p.english()} for p in problems],
        )

    def errors(self, ctx: RequestContext, **shown_as: str) -> dict[str, str]:
        """{field: message in the reader's language}, for a form shown again; ``shown_as`` maps a
        field to the key its page shows the message under (``participant="participants"``)."""
        return {shown_as.get(p.name, p.name): ctx._(p.msgid, **p.values) for p in self.problems}


def integer_inputs(handler: BaseRouteHandler) -> list[IntegerInput]:
    """The integers a route takes besides its path: ``opt["integers"]`` and its handler's
    int-typed parameters (an untyped source may still be the path: callers skip path names)."""
    found = declared_inputs(handler)
    dependencies = handler.resolve_dependencies()
    for name, field in handler.parsed_fn_signature.parameters.items():
        kwarg = field.kwarg_definition
        if name in dependencies or not _is_whole(field):
            continue
        if isinstance(kwarg, ParameterKwarg):
            if kwarg.param_type is not ParamType.QUERY:
                continue  # the path is checked apart; headers and cookies are not ours
            found.append(IntegerInput(kwarg.name or name, *_bounds(kwarg)))
        elif kwarg is None:
            found.append(IntegerInput(name))
    return found


def declared_inputs(handler: BaseRouteHandler) -> list[IntegerInput]:
    """``opt["integers"]``: names (the default range) or :class:`IntegerInput` objects."""
    return [spec if isinstance(spec, IntegerInput) else IntegerInput(spec) for spec in handler.opt.get(OPT_KEY, ())]


def _is_whole(field: FieldDefinition) -> bool:
    """``int``, ``int | None``, ``list[int]``: what Litestar converts from text to an int."""
    if field.is_optional:
        return all(_is_whole(inner) for inner in field.inner_types if not inner.is_none_type)
    if field.is_non_string_sequence:
        return len(field.inner_types) == 1 and _is_whole(field.inner_types[0])
    return field.annotation is int


def _bounds(kwarg: ParameterKwarg) -> tuple[int, int]:
    low = kwarg.ge if kwarg.ge is not None else (kwarg.gt + 1 if kwarg.gt is not None else 0)
    high = kwarg.le if kwarg.le is not None else (kwarg.lt - 1 if kwarg.lt is not None else MAX_INT)
    return max(int(low), -MAX_INT), min(int(high), MAX_INT)


def problems_in(
    values: Any, inputs: Iterable[IntegerInput], source: str, skip: Iterable[str] = ()
) -> list[IntegerProblem]:
    """What is wrong with ``values`` (a multi-dict: query parameters or a form) for ``inputs``."""
    skipped = set(skip)
    problems = []
    for spec in inputs:
        if spec.name in skipped:
            continue
        for value in values.getall(spec.name, []):
            if isinstance(value, str) and value != "" and not is_whole_number(value, spec.low, spec.high):
                problems.append(IntegerProblem(spec.name, source, spec.low, spec.high))
                break
    return problems


async def refuse_nul_in_json(request: Request[Any, Any, Any]) -> None:
    """A NUL character in a JSON payload's text is a 400 naming the field: PostgreSQL cannot store
    it in a text column, and the write would end in a 500 (SQLite would keep it)."""
    if "json" not in request.headers.get("content-type", "") or b"\\u0000" not in await request.body():
        return
    try:
        where = _nul_at(msgspec.json.decode(await request.body()), "")
    except msgspec.DecodeError:
        return  # the handler's decoder says what is wrong
    if where is not None:
        message = "Text cannot contain the NUL character (\\u0000)."
        raise ClientException(
            detail=f"{where or 'body'}: {message}", extra=[{"key": where, "source": "body", "message": message}]
        )


def _nul_at(value: Any, path: str) -> str | None:
    """Where the first text with a NUL character is (``lines[0].item``), or None. Keys are not
    looked at: a struct refuses an unknown one, and a dataclass drops it unread."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items = [(f"{path}.{key}" if path else str(key), inner) for key, inner in value.items()]
    elif isinstance(value, list):
        items = [(f"{path}[{index}]", inner) for index, inner in enumerate(value)]
    else:
        return None
    return next((found for key, inner in items if (found := _nul_at(inner, key)) is not None), None)
