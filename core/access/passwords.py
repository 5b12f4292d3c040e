"""The password policy: long enough, not a password attackers try first, not the user's email."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from core.i18n import N_

MIN_LENGTH = 10
MAX_LENGTH = 200  # argon2 would accept more; a longer "password" is a mistake or an attack
_LEET = str.maketrans("@4310$5!7", "aaeiosslt")


@cache
def common_passwords() -> frozenset[str]:
    text = (Path(__file__).with_name("common_passwords.txt")).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _variants(password: str) -> set[str]:
    """The password as attackers' lists spell it: lower case, without the digits and signs people
    append ("Password123!"), with letters for look-alike digits ("P@ssw0rd")."""
    lower = password.lower()
    bare = re.sub(r"[\d\W_]+$", "", lower)
    return {lower, bare, lower.translate(_LEET), bare.translate(_LEET)}


def password_problem(password: str, *, email: str = "", min_length: int = MIN_LENGTH) -> str | None:
    """The msgid saying what is wrong with ``password`` (format it with ``min_length``), or None."""
    if len(password) < min_length:
        return N_("Use at least {min_length} characters.")
    if len(password) > MAX_LENGTH:
        return N_("Use at most 200 characters.")
    if len(set(password)) < 4 or _variants(password) & common_passwords():
        return N_("This password is too common; attackers try it first. Choose another.")
    local = email.split("@")[0].lower()
    if len(local) >= 4 and local in password.lower():
        return N_("The password must not contain your email address.")
    return None
