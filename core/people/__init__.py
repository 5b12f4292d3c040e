"""Customers and contacts: the vendor's customer accounts and their sites, the people of those
accounts, customer admins managing their own users, and each person's sign-in history."""

from __future__ import annotations

from core.people.activity import open_activity
from core.people.errors import PeopleError

__all__ = ["PeopleError", "open_activity"]
