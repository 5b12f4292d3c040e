"""Small kernel helpers for modules: money, document numbers, plugins made of parts."""

from decimal import Decimal

import pytest

from core import Scope, format_money, format_quantity, next_number, parse_money
from core.accounts import create_customer, create_tenant, scoped
from tests.core import example_plugin
from tests.core.example_plugin import Note


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (123450, "USD", "$1,234.50"),
        (-5, "EUR", "-€0.05"),
        (1200, "JPY", "¥1,200"),
        (1234567, "SEK", "12,345.67 SEK"),
        (1500, "KWD", "1.500 KWD"),
    ],
)
def test_amounts_print_with_the_currencys_own_digits(minor, currency, text):
    assert format_money(minor, currency) == text


@pytest.mark.parametrize(
    ("typed", "currency", "minor"),
    [("1,234.5", "USD", 123450), ("$12", "USD", 1200), ("7", "JPY", 7), ("0.125", "KWD", 125), (3, "USD", 300)],
)
def test_typed_amounts_become_minor_units(typed, currency, minor):
    assert parse_money(typed, currency) == minor


@pytest.mark.parametrize(("typed", "message"), [("12.345", "at most 2"), ("twelve", "such as"), ("", "such as")])
def test_wrong_amounts_say_what_is_wrong(typed, message):
    with pytest.raises(ValueError, match=message):
        parse_money(typed, "USD")


async def test_numbers_count_up_per_vendor_whoever_asks(db, portico):
    tenant = await create_tenant(db, portico.plugins, "numbers", "Numbers Inc", "numbers.test")
    async with scoped(db, Scope(tenant.id)):
        first = await create_customer(db, "First")
        second = await create_customer(db, "Second")
        db.add(Note(title="N-00007", customer_id=first.id))
        db.add(Note(title="N-7", customer_id=first.id))  # typed by hand: not counted
        await db.flush()
    async with scoped(db, Scope(tenant.id, second.path)):  # a contact of another account asks
        assert await next_number(db, Note.title, "N-", tenant.id) == "N-00008"
        assert await next_number(db, Note.title, "X-", tenant.id) == "X-00001"


async def test_a_plugin_made_of_parts_declares_what_each_part_does(portal_factory, db):
    """core.Parts: two part modules, one plugin; lists concatenate, catalogs merge, seeding runs each."""
    import types

    from core import CUSTOMER_USER, N_, Manifest, MenuItem, Parts, Permission

    seeded: list[str] = []
    first, second = types.ModuleType("first_part"), types.ModuleType("second_part")
    first.portico_permissions = lambda: [Permission("desk.view", N_("See the desk"), default_roles=(CUSTOMER_USER,))]
    first.portico_menu_items = lambda: [MenuItem("desk", "Desk", "/desk", "desk.view")]
    second.portico_menu_items = lambda: [MenuItem("desk_archive", "Archive", "/desk/archive", "desk.view")]
    first.portico_translations = lambda: {"de": {"Desk": "Schreibtisch"}}
    second.portico_translations = lambda: {"de": {"Desk": "Pult", "Archive": "Archiv"}}

    async def seed_first(db, seed):
        seeded.append("first")

    async def seed_second(db, seed):
        seeded.append("second")

    first.portico_seed_demo, second.portico_seed_demo = seed_first, seed_second
    plugin = types.ModuleType("desk_plugin")
    plugin.manifest = Manifest(name="desk", label="Desk", version="1.0.0")
    vars(plugin).update(Parts(first, second).hooks())

    portal = await portal_factory([plugin])
    plugins = portal.portico.plugins
    assert {item.key for item in plugins.menu_items if item.module == "desk"} == {"desk", "desk_archive"}
    assert plugins.translations.lookup("de", "Desk", "desk") == "Schreibtisch"
    assert plugins.translations.lookup("de", "Archive", "desk") == "Archiv"
    from core.demo import seed_demo

    await seed_demo(db, plugins, portal.portico)
    assert seeded == ["first", "second"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("40.0000"), "40"),
        (Decimal("2.5000"), "2.5"),
        (Decimal("0E-4"), "0"),
        (3, "3"),
        (0.25, "0.25"),
        (None, ""),
    ],
)
def test_quantities_print_as_people_write_them(value, text):
    assert format_quantity(value) == text
