"""The vendor's pages: lists, the quote form (with its refusals), lines, payments and statuses."""

from __future__ import annotations

import re

from sqlalchemy import select

from core import CUSTOMER_ADMIN
from core.accounts import scoped
from core.db import Scope
from plugins.quotes.models import PaymentInstallment, Quote, QuoteLine
from tests.quotes.admin.conftest import add_quote


def form_for(shop, **changes) -> dict[str, str]:
    form = {
        "kind": "quote",
        "number": "Q-00001",
        "name": "Conveyor refit",
        "status": "draft",
        "customer_id": str(shop.north.id),
        "contact_id": str(shop.contact.id),
        "sales_rep_id": str(shop.staff.id),
        "quote_date": "2026-03-01",
        "valid_until": "2026-03-31",
        "currency": "USD",
        "shipping": "45.00",
        "tax_rate": "8.25",
        "terms": "Net 30",
        "customer_po": "PO-7781",
        "bill_to": "Globex Holdings\n1 Main St",
        "ship_to": "Globex North\nDock 4",
        "notes": "Includes installation.",
    }
    return form | changes


async def load(db, shop, number: str, kind: str = "quote") -> Quote:
    async with scoped(db, Scope(shop.tenant.id)):
        query = select(Quote).where(Quote.number == number, Quote.kind == kind)
        return await db.scalar(query.execution_options(populate_existing=True))


async def test_new_quote_form_suggests_the_next_number_and_lists_the_choices(admin, shop, db):
    await add_quote(db, shop, "Q-00041")
    page = await admin.get("/admin/quotes/new?kind=quote")
    assert page.status_code == 200
    assert 'name="number" type="text" value="Q-00042"' in page.text
    assert "Globex North" in page.text and "Sam Staff" in page.text
    order = await admin.get("/admin/quotes/new?kind=order")
    assert 'value="SO-00001"' in order.text and 'name="recurrence"' in order.text


async def test_contacts_offered_are_those_of_the_chosen_account_and_above(admin, shop):
    page = await admin.get(f"/admin/quotes/new?kind=quote&customer_id={shop.north.id}")
    contact_field = page.text[page.text.index('id="contact-field"') :][:1500]
    assert "Nora North" in contact_field and "Bea Buyer" in contact_field
    assert "Sid South" not in contact_field


async def test_creating_a_quote_saves_every_field(admin, shop, db):
    response = await admin.post("/admin/quotes/new", form_for(shop))
    assert response.status_code == 302
    quote = await load(db, shop, "Q-00001")
    assert response.headers["location"] == f"/admin/quotes/{quote.id}"
    assert (quote.name, quote.customer_id, quote.contact_id, quote.sales_rep_id) == (
        "Conveyor refit",
        shop.north.id,
        shop.contact.id,
        shop.staff.id,
    )
    assert (quote.shipping_minor, quote.tax_rate_bp, quote.total_minor) == (4500, 825, 4500)
    assert quote.ship_to == "Globex North\nDock 4" and quote.customer_po == "PO-7781"
    assert str(quote.valid_until) == "2026-03-31"
    page = await admin.get(f"/admin/quotes/{quote.id}")
    assert "Nora North" in page.text and "PO-7781" in page.text and "$45.00" in page.text


async def test_bad_input_rerenders_with_messages_and_keeps_what_was_typed(admin, shop, db):
    bad = form_for(
        shop, shipping="lots", tax_rate="8.255", valid_until="2026-02-01", currency="dollars", name="Keep me"
    )
    response = await admin.post("/admin/quotes/new", bad)
    assert response.status_code == 400
    assert "Enter an amount such as 1250.00." in response.text
    assert "Enter a percentage between 0 and 100" in response.text
    assert 'value="lots"' in response.text and 'value="Keep me"' in response.text
    assert await load(db, shop, "Q-00001") is None
    later = await admin.post("/admin/quotes/new", form_for(shop, valid_until="2026-02-01", currency="dollars"))
    assert later.status_code == 400
    assert "This date is before the quote date." in later.text
    assert "three-letter currency code" in later.text


async def test_contact_of_another_account_and_unknown_customer_are_refused(
    admin, shop, tenant_factory, customer_factory
):
    wrong_contact = await admin.post("/admin/quotes/new", form_for(shop, contact_id=str(shop.south_contact.id)))
    assert wrong_contact.status_code == 400 and "Choose a contact of this customer account." in wrong_contact.text
    other = await tenant_factory("rival")
    foreign = await customer_factory(other, "Rival Customer")
    unknown = await admin.post("/admin/quotes/new", form_for(shop, customer_id=str(foreign.id), contact_id=""))
    assert unknown.status_code == 400 and "Choose one of your customer accounts." in unknown.text
    missing = await admin.post("/admin/quotes/new", form_for(shop, customer_id="", contact_id=""))
    assert missing.status_code == 400 and "Choose a customer account." in missing.text
    not_staff = await admin.post("/admin/quotes/new", form_for(shop, sales_rep_id=str(shop.contact.id)))
    assert not_staff.status_code == 400 and "Choose one of your staff." in not_staff.text


async def test_a_number_already_used_is_refused_clearly(admin, shop, db):
    await add_quote(db, shop, "Q-00001")
    response = await admin.post("/admin/quotes/new", form_for(shop))
    assert response.status_code == 400
    assert "The number Q-00001 is already used." in response.text
    # The same number on an order is another series.
    order = await admin.post("/admin/quotes/new", form_for(shop, kind="order", status="quoted"))
    assert order.status_code == 302


async def test_editing_keeps_the_form_on_error_and_saves_otherwise(admin, shop, db):
    quote = await add_quote(db, shop, "Q-00001", lines=2)
    await add_quote(db, shop, "Q-00002")
    page = await admin.get(f"/admin/quotes/{quote.id}/edit")
    assert 'value="Q-00001"' in page.text
    clash = await admin.post(f"/admin/quotes/{quote.id}/edit", form_for(shop, number="Q-00002", name="Typed"))
    assert clash.status_code == 400 and "already used" in clash.text and 'value="Typed"' in clash.text
    saved = await admin.post(f"/admin/quotes/{quote.id}/edit", form_for(shop, number="Q-00100", tax_rate="10"))
    assert saved.status_code == 302
    quote = await load(db, shop, "Q-00100")
    # Two lines of 2 × $10.00: subtotal $40.00, tax 10 % = $4.00, shipping $45.00.
    assert (quote.subtotal_minor, quote.tax_minor, quote.total_minor) == (4000, 400, 8900)


async def test_moving_a_record_to_another_site_moves_its_lines(admin, shop, db):
    quote = await add_quote(db, shop, "Q-00001", lines=1)
    form = form_for(shop, customer_id=str(shop.south.id), contact_id=str(shop.south_contact.id))
    assert (await admin.post(f"/admin/quotes/{quote.id}/edit", form)).status_code == 302
    async with scoped(db, Scope(shop.tenant.id)):
        customers = set(await db.scalars(select(QuoteLine.customer_id).where(QuoteLine.quote_id == quote.id)))
    assert customers == {shop.south.id}


async def test_lines_are_added_edited_and_removed_with_totals_recomputed(admin, shop, db):
    assert (await admin.post("/admin/quotes/new", form_for(shop, shipping="10", tax_rate="8.25"))).status_code == 302
    quote = await load(db, shop, "Q-00001")
    base = f"/admin/quotes/{quote.id}"
    line = {"item": "BRG-1", "description": "Bearing", "quantity": "3", "unit_price": "1,250.50", "taxable": "1"}
    added = await admin.post(f"{base}/lines", line | {"needs_approval": "1", "status": "open"})
    assert added.status_code == 302
    assert (
        await admin.post(f"{base}/lines", {"item": "LAB", "quantity": "1.5", "unit_price": "80"})
    ).status_code == 302
    quote = await load(db, shop, "Q-00001")
    # 3 × 1250.50 = 3751.50 taxable, 1.5 × 80 = 120 not taxable; tax 8.25 % of 3751.50 = 309.50 (309.49875)
    assert (quote.subtotal_minor, quote.tax_minor, quote.total_minor) == (387150, 30950, 387150 + 30950 + 1000)
    assert quote.awaiting_approval
    page = await admin.get(base)
    assert "$3,751.50" in page.text and "$4,191.00" in page.text
    first = re.search(r'data-line="(\d+)"', page.text).group(1)
    edit = await admin.get(f"{base}/lines/{first}")
    assert 'value="1250.50"' in edit.text and 'value="3"' in edit.text
    changed = await admin.post(f"{base}/lines/{first}", line | {"quantity": "1", "status": "approved"})
    assert changed.status_code == 302
    quote = await load(db, shop, "Q-00001")
    assert quote.subtotal_minor == 125050 + 12000 and not quote.awaiting_approval
    assert (await admin.post(f"{base}/lines/{first}/delete")).status_code == 302
    quote = await load(db, shop, "Q-00001")
    assert (quote.subtotal_minor, quote.tax_minor, quote.total_minor) == (12000, 0, 13000)


async def test_a_bad_line_rerenders_the_record_with_the_typed_values(admin, shop, db):
    quote = await add_quote(db, shop, "Q-00001")
    bad = {"item": "Widget", "quantity": "two", "unit_price": "12.345"}
    response = await admin.post(f"/admin/quotes/{quote.id}/lines", bad)
    assert response.status_code == 400
    assert "Enter a number such as 2 or 1.5." in response.text and "Enter an amount such as 1250.00." in response.text
    assert 'value="two"' in response.text and 'value="Widget"' in response.text
    empty = await admin.post(f"/admin/quotes/{quote.id}/lines", {"quantity": "1", "unit_price": "1"})
    assert empty.status_code == 400 and "Enter an item or a description." in empty.text
    huge = await admin.post(
        f"/admin/quotes/{quote.id}/lines", {"item": "X", "quantity": "1000000000", "unit_price": "999999"}
    )
    assert huge.status_code == 400 and "too large" in huge.text
    async with scoped(db, Scope(shop.tenant.id)):
        assert await db.scalar(select(QuoteLine.id).where(QuoteLine.quote_id == quote.id)) is None


async def test_a_line_of_another_record_is_not_found(admin, shop, db):
    one = await add_quote(db, shop, "Q-00001", lines=1)
    two = await add_quote(db, shop, "Q-00002")
    async with scoped(db, Scope(shop.tenant.id)):
        line_id = await db.scalar(select(QuoteLine.id).where(QuoteLine.quote_id == one.id))
    assert (await admin.get(f"/admin/quotes/{two.id}/lines/{line_id}")).status_code == 404
    assert (await admin.post(f"/admin/quotes/{two.id}/lines/{line_id}/delete")).status_code == 404


async def test_payment_schedule_rows(admin, shop, db):
    order = await add_quote(db, shop, "SO-00001", kind="order", status="quoted")
    base = f"/admin/quotes/{order.id}"
    bad = await admin.post(f"{base}/payments", {"label": "", "amount": "abc", "due_on": "soon"})
    assert bad.status_code == 400 and "Describe the payment" in bad.text and "Enter a date as YYYY-MM-DD." in bad.text
    ok = await admin.post(f"{base}/payments", {"label": "Deposit", "amount": "500", "due_on": "2026-04-01"})
    assert ok.status_code == 302
    async with scoped(db, Scope(shop.tenant.id)):
        payment = await db.scalar(select(PaymentInstallment).where(PaymentInstallment.quote_id == order.id))
    assert (payment.label, payment.amount_minor, str(payment.due_on)) == ("Deposit", 50000, "2026-04-01")
    page = await admin.get(base)
    assert "Deposit" in page.text and "$500.00" in page.text
    assert 'value="500.00"' in (await admin.get(f"{base}/payments/{payment.id}")).text
    wrong = await admin.post(f"{base}/payments/{payment.id}", {"label": "Deposit", "amount": "-"})
    assert wrong.status_code == 400 and 'value="-"' in wrong.text
    saved = await admin.post(f"{base}/payments/{payment.id}", {"label": "Balance", "amount": "750.25"})
    assert saved.status_code == 302
    assert "$750.25" in (await admin.get(base)).text
    assert (await admin.post(f"{base}/payments/{payment.id}/delete")).status_code == 302
    assert "Balance" not in (await admin.get(base)).text


async def test_order_form_and_recurrence(admin, shop, db):
    form = form_for(
        shop, kind="order", number="SO-00001", status="quoted", recurrence="Monthly", target_date="2026-05-01"
    )
    assert (await admin.post("/admin/quotes/new", form)).status_code == 302
    order = await load(db, shop, "SO-00001", "order")
    assert order.recurrence == "Monthly" and str(order.target_date) == "2026-05-01"
    bad = await admin.post("/admin/quotes/new", form | {"number": "SO-00002", "recurrence": "Hourly", "status": "open"})
    assert bad.status_code == 400 and "Choose one of" in bad.text


async def test_status_change_and_send_link(admin, shop, db):
    quote = await add_quote(db, shop, "Q-00001", lines=1)
    page = await admin.get(f"/admin/quotes/{quote.id}")
    assert f'href="/admin/documents/quotes.quote/{quote.id}/send"' in page.text
    order = await add_quote(db, shop, "SO-00001", kind="order", status="quoted")
    assert f"/admin/documents/quotes.order/{order.id}/send" in (await admin.get(f"/admin/quotes/{order.id}")).text
    moved = await admin.post(f"/admin/quotes/{quote.id}/status", {"status": "open"})
    assert moved.status_code == 302
    assert "is now “Open”" in (await admin.get(f"/admin/quotes/{quote.id}")).text
    wrong = await admin.post(f"/admin/quotes/{quote.id}/status", {"status": "in_progress"})
    assert wrong.status_code == 302
    assert "Choose one of" in (await admin.get(f"/admin/quotes/{quote.id}")).text
    assert (await load(db, shop, "Q-00001")).status == "open"


async def test_list_switches_kind_filters_and_searches(admin, shop, db):
    await add_quote(db, shop, "Q-00001", name="Boiler service", status="open")
    await add_quote(db, shop, "Q-00002", name="Roof", status="draft", customer_po="PO-ROOF", customer_id=shop.south.id)
    await add_quote(db, shop, "SO-00001", kind="order", name="Pumps", status="in_progress")
    quotes = (await admin.get("/admin/quotes")).text
    assert "Q-00001" in quotes and "Q-00002" in quotes and "SO-00001" not in quotes
    orders = (await admin.get("/admin/quotes?kind=order")).text
    assert "SO-00001" in orders and "Q-00001" not in orders
    assert "Q-00002" not in (await admin.get("/admin/quotes?status=open")).text
    for term in ("Boiler", "PO-ROOF", "Globex South", "q-00002"):
        found = (await admin.get(f"/admin/quotes?q={term}")).text
        assert ("Q-00002" in found) == (term != "Boiler"), term
    assert "No records match." in (await admin.get("/admin/quotes?q=%25_nothing")).text


async def test_list_pages_by_id(admin, shop, db):
    for n in range(1, 31):
        await add_quote(db, shop, f"Q-{n:05d}")
    first = (await admin.get("/admin/quotes")).text
    assert "Q-00030" in first and "Q-00006" in first and "Q-00005" not in first
    link = re.search(r'id="next-page" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = (await admin.get(link)).text
    assert "Q-00005" in second and "Q-00001" in second and "Q-00006" not in second
    assert 'id="next-page"' not in second


async def test_customers_and_other_vendors_get_nothing(shop, db, login_as, tenant_factory, user_factory):
    quote = await add_quote(db, shop, "Q-00001")
    contact = await login_as(shop.account_admin)
    assert (await contact.get("/admin/quotes")).status_code == 403
    assert (await contact.post(f"/admin/quotes/{quote.id}/lines", {"item": "x"})).status_code == 403
    staff = await login_as(shop.staff)
    assert (await staff.get(f"/admin/quotes/{quote.id}")).status_code == 200
    other = await tenant_factory("rival")
    rival = await login_as(await user_factory(other, "vendor_admin"))
    assert (await rival.get(f"/admin/quotes/{quote.id}")).status_code == 404
    assert (await rival.post(f"/admin/quotes/{quote.id}/edit", form_for(shop))).status_code == 404
    assert CUSTOMER_ADMIN  # the contact above is a customer admin: even they may not


async def test_admin_menu_entry(admin):
    page = (await admin.get("/admin/quotes")).text
    assert 'href="/admin/quotes"' in page and "Quotes and orders" in page


async def test_absurd_values_are_refused_not_crashed(admin, shop, db):
    huge = "9" * 30
    refused = "Enter a whole number from 0 to 2147483647."  # the kernel checks the ids (opt["integers"])
    for url in (f"/admin/quotes/new?kind=quote&customer_id={huge}", f"/admin/quotes?after={huge}&kind=x&status=y"):
        response = await admin.get(url)
        assert response.status_code == 400 and refused in response.text
    form = form_for(shop, customer_id=huge, contact_id=huge, tax_rate="1e999999", quote_date="2026-13-45")
    response = await admin.post("/admin/quotes/new", form)
    assert response.status_code == 400 and "Enter a percentage" in response.text and refused in response.text
    quote = await add_quote(db, shop, "Q-00001")
    line = {"item": "X", "quantity": "1e999999", "unit_price": "1"}
    assert (await admin.post(f"/admin/quotes/{quote.id}/lines", line)).status_code == 400
    tiny = {"item": "X", "quantity": "1e-999999", "unit_price": "1"}
    assert (await admin.post(f"/admin/quotes/{quote.id}/lines", tiny)).status_code == 400


async def test_opened_records_appear_under_recent(admin, shop, db):
    quote = await add_quote(db, shop, "Q-00001", name="Boiler")
    await admin.get(f"/admin/quotes/{quote.id}")
    assert f'href="/admin/quotes/{quote.id}"' in (await admin.get("/recent")).text
