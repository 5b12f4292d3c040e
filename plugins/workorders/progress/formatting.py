"""Quantities as people write them: ``40``, ``12.5``, never ``40.0000``."""

from __future__ import annotations

from decimal import Decimal


def qty(value: Decimal | int | float | None) -> str:
    if value is None:
        return ""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    text = f"{number.normalize():f}"
    return "0" if text in ("-0", "") else text
