"""Email texts: declared defaults, the vendor's overrides, rendered in a sandbox.

Vendors edit these templates in the admin area, so they are untrusted code running in the
process that serves every vendor. They render in an immutable sandboxed Jinja environment (no
attribute access to Python internals, no mutation) that only ever sees plain values, under a
budget (see the limits below), in a worker thread so that the event loop serves other requests
meanwhile.

The budget is enforced where the work happens rather than guessed from the source: every loop
turn, call, filter and operator is a step that also checks the clock; every value an operator,
``~``, filter or call makes, takes or returns is measured; every piece of output, static text
included, is counted. The few operations that could build a huge value in one go (``*``, ``**``,
``%``, and filters such as ``center`` or ``replace`` whose result can outgrow their inputs) are
sized from their arguments before they run, and string methods that could do the same are not
available.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import time
from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, Undefined, nodes, pass_context
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.declarations import EmailTemplate
from core.i18n import Catalogs
from core.mail.models import EmailTemplateOverride

log = logging.getLogger("portico.mail")
T = TypeVar("T")

# What one email (subject and body together) may take. A real email is a few hundred characters
# and a few dozen loop turns; these leave a wide margin and keep the worst template to a fraction
# of a second of one thread.
MAX_SOURCE = 20_000  # characters of template text, each of subject and body
MAX_OUTPUT = 100_000  # characters of rendered text
MAX_VALUE = 100_000  # characters or items in any one value a template makes
MAX_STEPS = 100_000  # loop turns, calls, filters and operators
MAX_INT_BITS = 10_000  # about 3,000 digits
TIME_LIMIT = 1.0  # seconds, for whatever the counts above let through

# Methods of plain values a template may call: none of them makes a value larger than the one
# it is called on (center, ljust, zfill, replace, join, format... could, and are refused).
SAFE_METHODS = frozenset(
    "capitalize casefold count endswith find get index isalnum isalpha isdecimal isdigit islower "
    "isnumeric isspace istitle isupper items keys lower lstrip partition removeprefix removesuffix "
    "rfind rindex rpartition rsplit rstrip split splitlines startswith strip swapcase title upper values".split()
)
_PLAIN = (str, int, float, list, tuple, dict, range)
_CONTAINERS = list | tuple | KeysView | ValuesView | ItemsView
# HTML and JSON helpers, of no use in a plain-text email, whose output is hard to bound.
_DROPPED_FILTERS = ("tojson", "urlize")
_DROPPED_GLOBALS = ("lipsum", "namespace")  # lipsum(n) writes n paragraphs; a namespace hides its size
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")


class EmailTemplateError(ValueError):
    """A template that does not compile or render; the message says where."""


class _OverBudget(SecurityError):
    """The template went past one of the limits."""


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


def _size(value: Any, limit: int = MAX_VALUE) -> int:
    """Characters and items in ``value``, nested ones included; counting stops past ``limit``.

    Nested, because printing a list prints what it holds: a list of ten references to one long
    text is ten long texts once it is output. Only plain containers are looked into (iterating a
    template's ``loop`` would advance it).
    """
    total, pending = 0, [value]
    while pending and total <= limit:
        item = pending.pop()
        if isinstance(item, str | range):
            total += len(item)
        elif isinstance(item, dict | _CONTAINERS):
            total += len(item)
            if total <= limit:
                pending.extend(item.items() if isinstance(item, dict) else item)
        else:
            total += 1
    return total


def _percent_growth(spec: Any, args: Any) -> int:
    """The size ``spec % args`` may reach: the widths and precisions it asks for count too."""
    extra = 0
    for width, precision in _PERCENT_FIELD.findall(str(spec)):
        if "*" in (width, precision):  # a width taken from the arguments: refuse rather than guess
            return MAX_VALUE + 1
        extra += int(width or 0) + int(precision or 0)
    return len(str(spec)) + _size(args) + extra


def _wordwrap(s: Any, width: int = 79, break_long_words: bool = True, wrapstring: Any = None, **_: Any) -> int:
    return len(str(s)) * max(1, len(wrapstring or ""))  # at worst, about one break per character


def _sum(iterable: Any, attribute: Any = None, start: Any = 0) -> int:
    if not isinstance(start, int | float):  # adding up lists or texts one by one takes quadratic time
        raise _OverBudget("sum adds numbers only")
    return 0


# The filters whose result can be far larger than what they are given, and how large: each takes
# the filter's own arguments. Every other filter makes at most a few times what it takes, which is
# measured.
_GROWTH: dict[str, Callable[..., int]] = {
    "center": lambda value, width=80: max(len(str(value)), width),
    "indent": lambda s, width=4, first=False, blank=False: (
        len(str(s)) + (str(s).count("\n") + 1) * (width if isinstance(width, int) else len(str(width)))
    ),
    "replace": lambda s, old, new, count=None: (
        len(str(s)) + str(s).count(str(old)) * max(0, len(str(new)) - len(str(old)))
    ),
    "join": lambda value, d="", attribute=None: _size(value) + len(value) * len(str(d)),
    "wordwrap": _wordwrap,
    "format": lambda value, *args, **kwargs: _percent_growth(value, [args, kwargs]),
    "batch": lambda value, linecount, fill_with=None: _size(value) + (linecount if fill_with is not None else 0),
    "slice": lambda value, slices, fill_with=None: _size(value) + slices,
    "round": lambda value, precision=0, method="common": abs(precision),  # ceil, floor: 10 ** precision
    "sum": _sum,
}


class _Metered(NodeTransformer):
    """Routes what the sandbox does not see through the budget: each loop's items, each ``~``
    and the template's static text (which a loop could repeat without limit)."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        if node.recursive:
            raise TemplateSyntaxError("recursive loops are not available in email templates", node.lineno)
        self.generic_visit(node)
        node.iter = _budget_call("budget_items", node.iter)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _budget_call("budget_concat", *node.nodes)

    def visit_TemplateData(self, node: nodes.TemplateData) -> nodes.Node:
        return nodes.Const(node.data, lineno=node.lineno)  # so it is output through finalize, and counted


def _budget_call(name: str, *args: Any) -> nodes.Call:
    """A call of the sandbox's own ``name`` method (templates cannot name the environment)."""
    call = nodes.Call(nodes.EnvironmentAttribute(name), list(args), [], None, None)
    call.set_lineno(args[0].lineno)
    return call


class _BudgetedSandbox(ImmutableSandboxedEnvironment):
    """A sandbox for one render: it counts the work of that render and refuses it past the limits."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *, strict: bool) -> None:
        super().__init__(
            autoescape=False,
            undefined=StrictUndefined if strict else Undefined,
            keep_trailing_newline=True,
            finalize=self._output,
        )
        self.steps = self.output = 0
        self.deadline = time.monotonic() + TIME_LIMIT
        self.filters = {n: self._budget_filter(n, f) for n, f in self.filters.items() if n not in _DROPPED_FILTERS}
        for name in _DROPPED_GLOBALS:
            del self.globals[name]

    # -- the budget

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _OverBudget(f"it does too much work (more than {MAX_STEPS:,} loop turns, calls and filters)")
        if time.monotonic() > self.deadline:
            raise _OverBudget(f"it takes longer than {TIME_LIMIT:g} second{'' if TIME_LIMIT == 1 else 's'} to render")

    def measure(self, value: T, what: str = "a value") -> T:
        if _size(value) > MAX_VALUE:
            raise _OverBudget(f"{what} would be larger than {MAX_VALUE:,} characters or items")
        return value

    def allow(self, size: int, what: str) -> None:
        if size > MAX_VALUE:
            raise _OverBudget(f"{what} would be larger than {MAX_VALUE:,} characters or items")

    @pass_context
    def _output(self, context: Context, value: Any) -> str:
        if _size(value, MAX_OUTPUT - self.output) > MAX_OUTPUT - self.output:
            raise _OverBudget(f"the text would be longer than {MAX_OUTPUT:,} characters")
        text = str(value)
        self.output += len(text)
        if self.output > MAX_OUTPUT:
            raise _OverBudget(f"the text would be longer than {MAX_OUTPUT:,} characters")
        return text

    def budget_items(self, iterable: Any) -> Iterator[Any]:
        for item in iterable:
            self.step()
            yield item

    def budget_concat(self, *parts: Any) -> str:
        self.allow(sum(_size(part) for part in parts), "'~'")
        return "".join(str(part) for part in parts)

    # -- where the sandbox hands control to us

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self.step()
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
            if max(left.bit_length(), 1) * right > MAX_INT_BITS:
                raise _OverBudget(f"'**' would make a number of more than {MAX_INT_BITS:,} bits")
        elif operator == "*" and isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise _OverBudget(f"'*' would make a number of more than {MAX_INT_BITS:,} bits")
        elif operator == "*" and isinstance(right, int) and not isinstance(left, int | float):
            self.allow(_size(left) * right, "'*'")
        elif operator == "*" and isinstance(left, int) and not isinstance(right, int | float):
            self.allow(_size(right) * left, "'*'")
        elif operator == "+" and not isinstance(left, int | float):
            self.allow(_size(left) + _size(right), "'+'")
        elif operator == "%" and isinstance(left, str):
            self.allow(_percent_growth(left, right), "'%'")
        return super().call_binop(context, operator, left, right)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.step()
        return self.measure(super().call(context, obj, *args, **kwargs), "a call")

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        plain = isinstance(obj, _PLAIN) or (isinstance(obj, type) and issubclass(obj, _PLAIN))  # 'a', or dict
        if plain and callable(value) and attr not in SAFE_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format is not in SAFE_METHODS: a width such as {:>999999999} builds a huge text

    def _budget_filter(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        growth = _GROWTH.get(name)
        skip = 1 if hasattr(func, "jinja_pass_arg") else 0  # the context or environment Jinja passes first

        @functools.wraps(func)  # keeps jinja_pass_arg, so Jinja passes the wrapper what the filter expects
        def run(*args: Any, **kwargs: Any) -> Any:
            self.step()
            if len(args) > skip and isinstance(args[skip], Iterator):  # a generator: see what it holds
                args = (*args[:skip], list(self.budget_items(args[skip])), *args[skip + 1 :])
            for argument in (*args[skip:], *kwargs.values()):
                self.measure(argument, f"the input of |{name}")
            if growth is not None:
                self.allow(growth(*args[skip:], **kwargs), f"|{name}")
            return self.measure(func(*args, **kwargs), f"|{name}")

        return run


def render_source(subject: str, body: str, context: Mapping[str, Any], *, strict: bool = False) -> RenderedEmail:
    """Render a subject and body template; raise :class:`EmailTemplateError` with the reason.

    Takes up to :data:`TIME_LIMIT` of this thread; from async code use :func:`off_loop`.
    """
    if max(len(subject), len(body)) > MAX_SOURCE:
        raise EmailTemplateError(f"the template is longer than {MAX_SOURCE:,} characters")
    env = _BudgetedSandbox(strict=strict)
    values = _plain(context)
    try:
        rendered_subject = env.from_string(_Metered().visit(env.parse(subject))).render(values)
        rendered_body = env.from_string(_Metered().visit(env.parse(body))).render(values)
    except TemplateError as exc:
        raise EmailTemplateError(str(exc)) from exc
    except MemoryError as exc:
        raise EmailTemplateError("it needs more memory than an email may take") from exc
    except Exception as exc:  # a range too big, a division by zero, recursion: the vendor's to fix
        raise EmailTemplateError(str(exc) or type(exc).__name__) from exc
    # A subject is one line: a line break would let a template add mail headers.
    return RenderedEmail(" ".join(rendered_subject.split()), rendered_body)


# Two threads: renders beyond that wait their turn instead of all competing with the event loop
# for the interpreter lock.
_renderer = ThreadPoolExecutor(max_workers=2, thread_name_prefix="portico-email")


async def off_loop(render: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``render`` (:func:`render_source`, :func:`check_source`) in the email renderer's threads,
    so that a slow template does not hold up the requests of every other vendor."""
    return await asyncio.get_running_loop().run_in_executor(_renderer, functools.partial(render, *args, **kwargs))


#: What every email template may use besides its own variables (filled in by send_email).
PORTAL_VARIABLES = ("portal_name", "portal_url", "vendor_name", "contact_email", "contact_phone")


def sample_values(declared: EmailTemplate) -> dict[str, str]:
    """A placeholder for every variable the template may use, for checks and previews."""
    return {name: f"[{name}]" for name in (*PORTAL_VARIABLES, *(n for n, _ in declared.variables))}


def check_source(declared: EmailTemplate, subject: str, body: str) -> None:
    """Refuse a vendor's edit that does not compile, names a variable the event does not have, or
    goes past the limits with sample values."""
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
    """The vendor's version of the email if it has one, else the declared default in ``language``.

    A vendor's version that fails with these values (it passed its check with sample values, or
    was saved before a limit existed) gives way to the default, so the email still goes out.
    """
    override = await load_override(db, declared.key)
    values = _plain(context)  # here, not in the renderer's thread: str() of an object may read its session
    if override is not None:
        try:
            return await off_loop(render_source, override.subject, override.body, values)
        except EmailTemplateError as exc:
            log.warning(
                "email %s of tenant %s: the vendor's wording failed (%s); the default goes out instead",
                declared.key,
                override.tenant_id,
                exc,
            )
    subject, body = translations.lookup(language, declared.subject), translations.lookup(language, declared.body)
    return await off_loop(render_source, subject, body, values)
