"""The mail service's part of the kernel plugin: its pages, permissions and menu entries."""

from __future__ import annotations
