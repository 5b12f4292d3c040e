import pytest

from core import Scope, format_money, next_number, parse_money
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
