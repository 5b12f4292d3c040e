"""Quantities as people write them: ``40``, ``12.5``, never ``40.0000`` (the kernel's format)."""

from __future__ import annotations

from core import format_quantity as qty

__all__ = ["qty"]
