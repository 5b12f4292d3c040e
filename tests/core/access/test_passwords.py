"""The password policy."""

from __future__ import annotations

import pytest

from core.access.passwords import password_problem


@pytest.mark.parametrize(
    "password",
    ["password123", "Password123!", "P@ssw0rd2024", "qwertyuiop", "iloveyou1!!", "aaaaaaaaaaaa", "welcome123"],
)
def test_common_passwords_are_refused(password):
    assert password_problem(password) is not None


def test_short_and_too_long_passwords_are_refused():
    assert "at least" in password_problem("Xk4!a") or ""
    assert password_problem("x" * 201) is not None
    assert password_problem("x" * 8, min_length=8) is not None  # too few different characters


def test_the_users_email_is_not_a_password():
    assert password_problem("greta.hansen2026", email="greta.hansen@example.test") is not None


@pytest.mark.parametrize("password", ["plum-harbour-lantern-42", "Correct Horse Battery", "t7#Kq9!mZ2vw"])
def test_good_passwords_pass(password):
    assert password_problem(password, email="greta@example.test") is None
