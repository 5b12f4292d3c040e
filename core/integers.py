"""Whole numbers the database can hold: the one test every integer input passes."""

from __future__ import annotations

import re

MAX_INT = 2**31 - 1  # PostgreSQL INTEGER: every id column
_DIGITS = re.compile(r"-?[0-9]{1,19}")  # ASCII only: "²".isdigit() is true, but int("²") fails


def is_whole_number(value: str, low: int = 0, high: int = MAX_INT) -> bool:
    """Digits only (a minus sign where ``low`` allows it), from ``low`` to ``high``."""
    return bool(_DIGITS.fullmatch(value)) and low <= int(value) <= high
