"""Money as integer minor units (cents), and quantities: printing them for people, reading them from forms.

Modules store amounts as ``int`` minor units and a three-letter currency code, compute totals on
integers, and only turn them into text here.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from core.i18n import N_

#: Currencies whose minor unit is not a hundredth (ISO 4217 exponents); the rest use 2.
_DIGITS = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "VND": 0, "BHD": 3, "KWD": 3, "OMR": 3, "TND": 3, "JOD": 3}
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "JPY": "¥", "INR": "₹", "CHF": "CHF "}
_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")


class AmountError(ValueError):
    """A typed amount we cannot read: ``msgid`` and ``values`` for ``ctx._(error.msgid, **error.values)``."""

    def __init__(self, msgid: str, **values: Any) -> None:
        super().__init__(msgid.format(**values))
        self.msgid, self.values = msgid, values


def minor_digits(currency: str) -> int:
    return _DIGITS.get((currency or "").upper(), 2)


def format_money(minor: int | None, currency: str = "USD") -> str:
    """``123450, "USD"`` → ``"$1,234.50"``; unknown symbols print as ``"1,234.50 SEK"``."""
    if minor is None:
        return ""
    code = (currency or "USD").upper()
    digits = minor_digits(code)
    amount = Decimal(abs(minor)).scaleb(-digits)
    text = f"{amount:,.{digits}f}"
    sign = "-" if minor < 0 else ""
    symbol = _SYMBOLS.get(code)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {code}"


def parse_money(text: str | int | float | Decimal, currency: str = "USD") -> int:
    """A typed amount (``"1,234.5"``, ``"$12"``) → minor units. :class:`AmountError` says what is wrong."""
    raw = str(text).strip().replace(",", "").replace(" ", "")
    raw = raw.lstrip(_SYMBOLS.get((currency or "USD").upper(), "").strip() or "\0")
    if not _AMOUNT.match(raw):
        raise AmountError(N_("Enter an amount such as 1250.00."))
    digits = minor_digits(currency)
    try:
        value = Decimal(raw).scaleb(digits)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only decimals
        raise AmountError(N_("Enter an amount such as 1250.00.")) from exc
    if value != value.to_integral_value():
        raise AmountError(N_("Use at most {digits} decimal places."), digits=digits)
    return int(value)


def format_quantity(value: Decimal | int | float | None) -> str:
    """``Decimal("40.0000")`` → ``"40"``, ``Decimal("2.5000")`` → ``"2.5"``: never ``4E+1``."""
    if value is None:
        return ""
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    text = f"{number.normalize():f}"
    return "0" if text in ("-0", "") else text
