"""The side menu: groups under a parent entry, unfolded on the group's pages; one active entry."""

from __future__ import annotations

import re

import pytest

from core import VENDOR_ADMIN


def submenu_of(html: str, key: str) -> list[str]:
    """The data-menu names inside the submenu under the entry ``key`` (empty when folded)."""
    match = re.search(rf'data-menu="{re.escape(key)}".*?</a>\s*(<ul class="submenu">.*?</ul>)?', html, re.S)
    assert match, key
    return re.findall(r'data-menu="([^"]+)"', match.group(1) or "")


@pytest.fixture
async def admin(tenant, user_factory, login_as):
    return await login_as(await user_factory(tenant, VENDOR_ADMIN))


async def test_configuration_pages_sit_under_settings_and_unfold_there(admin):
    elsewhere = (await admin.get("/admin/customers")).text
    assert submenu_of(elsewhere, "core.settings") == []
    assert 'data-menu="core.roles"' not in elsewhere
    on_roles = (await admin.get("/admin/roles")).text
    group = submenu_of(on_roles, "core.settings")
    assert {"core.modules", "core.roles", "core.branding", "core.outbox", "core.email_templates"} <= set(group)
    assert re.search(r'class="active" aria-current="page" data-menu="core.roles"', on_roles)
    assert not re.search(r'class="active"[^>]*data-menu="core.settings"', on_roles)


async def test_the_closest_address_is_the_one_active_entry(admin):
    contacts = (await admin.get("/admin/contacts")).text
    assert re.findall(r'class="active" aria-current="page" data-menu="([^"]+)"', contacts) == ["core.contacts"]
    assert submenu_of(contacts, "core.customers") == ["core.contacts"]
