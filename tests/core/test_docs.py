"""The plugin author guide keeps up with the code: every hook and every public name is in it."""

from __future__ import annotations

import inspect
from pathlib import Path

import core
from core import hookspecs

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "plugins.md").read_text()


def test_every_hook_is_documented_in_the_guide():
    hooks = [name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("portico_")]
    assert len(hooks) >= 10
    missing = [name for name in hooks if f"### {name}" not in GUIDE]
    assert missing == []


def test_every_hook_has_a_docstring():
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction):
        if name.startswith("portico_"):
            assert function.__doc__ and len(function.__doc__.strip()) > 40, name


def test_every_public_name_is_listed_in_the_guide():
    section = GUIDE.split("## What `core` exports", 1)[1]
    missing = [name for name in core.__all__ if f"`{name}`" not in section]
    assert missing == []
