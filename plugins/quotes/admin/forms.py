"""Reading the admin's HTML forms into typed values, and turning problems into messages by field.

Money is typed as an amount ("1,250.00") and read with ``core.parse_money``; a tax rate as a
percentage ("8.25"). The form's own field names are kept, so a refused form shows each message
next to what was typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from core import N_, is_whole_number, parse_money
from plugins.quotes.admin.editing import check_line, check_payment
from plugins.quotes.admin.fields import (
    MAX_MINOR,
    LineFields,
    PaymentFields,
    Problem,
    Problems,
    QuoteFields,
)
from plugins.quotes.models import PaymentInstallment, Quote, QuoteLine

#: Where a problem of a typed value is shown on the form (the form reads amounts, not minor units).
FORM_FIELD = {
    "shipping_minor": "shipping",
    "tax_rate_bp": "tax_rate",
    "unit_price_minor": "unit_price",
    "amount_minor": "amount",
}
MONEY_PROBLEM = N_("Enter an amount such as 1250.00.")


def chosen_id(value: object) -> int | None:
    """An id from a query string or form, or None for anything that cannot be one."""
    text = str(value or "")
    return int(text) if is_whole_number(text) else None


def messages(problems: Problems | Problem, gettext: Callable[..., str]) -> dict[str, str]:
    found = problems.problems if isinstance(problems, Problems) else [problems]
    errors: dict[str, str] = {}
    for problem in found:
        errors.setdefault(FORM_FIELD.get(problem.field, problem.field), gettext(problem.msgid, **problem.values))
    return errors


class _Reader:
    """Reads one form, collecting a problem per field instead of stopping at the first."""

    def __init__(self, form: Mapping[str, str]) -> None:
        self.form = form
        self.problems: list[Problem] = []

    def text(self, name: str) -> str:
        return str(self.form.get(name, "")).replace("\r\n", "\n").strip()

    def optional_id(self, name: str) -> int | None:
        raw = self.text(name)
        if not raw:
            return None
        if not is_whole_number(raw):
            self.problems.append(Problem(name, N_("Choose one of the listed entries.")))
            return None
        return int(raw)

    def date(self, name: str) -> dt.date | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.problems.append(Problem(name, N_("Enter a date as YYYY-MM-DD.")))
            return None

    def money(self, name: str, currency: str) -> int:
        raw = self.text(name)
        if not raw:
            return 0
        try:
            amount = parse_money(raw, currency)
        except ValueError:
            self.problems.append(Problem(name, MONEY_PROBLEM))
            return 0
        if abs(amount) > MAX_MINOR:
            self.problems.append(Problem(name, N_("This amount is too large.")))
            return 0
        return amount

    def decimal(self, name: str, default: Decimal) -> Decimal:
        raw = self.text(name).replace(",", "")
        if not raw:
            return default
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite():
            self.problems.append(Problem(name, N_("Enter a number such as 2 or 1.5.")))
            return default
        return value

    def flag(self, name: str) -> bool:
        return self.form.get(name) in ("1", "on", "true")


def read_quote(form: Mapping[str, str], default_currency: str = "USD") -> QuoteFields:
    """The quote form's values; raises :class:`Problems` for what could not be read at all."""
    read = _Reader(form)
    currency = read.text("currency").upper() or default_currency
    customer_id = read.optional_id("customer_id")
    if customer_id is None and not any(p.field == "customer_id" for p in read.problems):
        read.problems.append(Problem("customer_id", N_("Choose a customer account.")))
    rate = read.decimal("tax_rate", Decimal(0))
    if not Decimal(0) <= rate <= Decimal(100) or rate != rate.quantize(Decimal("0.01")):
        read.problems.append(Problem("tax_rate", N_("Enter a percentage between 0 and 100, such as 8.25.")))
        rate = Decimal(0)
    values = QuoteFields(
        number=read.text("number"),
        customer_id=customer_id or 0,
        name=read.text("name"),
        status=read.text("status") or "draft",
        external_ref=read.text("external_ref") or None,
        contact_id=read.optional_id("contact_id"),
        sales_rep_id=read.optional_id("sales_rep_id"),
        quote_date=read.date("quote_date") or dt.date.today(),
        valid_until=read.date("valid_until"),
        target_date=read.date("target_date"),
        completed_on=read.date("completed_on"),
        bill_to=read.text("bill_to"),
        ship_to=read.text("ship_to"),
        customer_po=read.text("customer_po"),
        currency=currency,
        terms=read.text("terms"),
        notes=read.text("notes"),
        recurrence=read.text("recurrence"),
        shipping_minor=read.money("shipping", currency),
        tax_rate_bp=int(rate * 100),
    )
    if read.problems:
        raise Problems(read.problems)
    return values


def read_line(form: Mapping[str, str], currency: str) -> LineFields:
    read = _Reader(form)
    values = LineFields(
        item=read.text("item"),
        description=read.text("description"),
        quantity=read.decimal("quantity", Decimal(1)),
        unit_price_minor=read.money("unit_price", currency),
        taxable=read.flag("taxable"),
        needs_approval=read.flag("needs_approval"),
        status=read.text("status") or "open",
    )
    if read.problems:  # with the other fields' problems too, so one round of corrections is enough
        raise Problems(read.problems + check_line(values))
    return values


def read_payment(form: Mapping[str, str], currency: str) -> PaymentFields:
    read = _Reader(form)
    values = PaymentFields(
        label=read.text("label"), due_on=read.date("due_on"), amount_minor=read.money("amount", currency)
    )
    if read.problems:
        raise Problems(read.problems + check_payment(values))
    return values


def _amount(minor: int, currency: str) -> str:
    """An amount as the form shows it ("1250.00"): what ``parse_money`` reads back to the same value."""
    digits = len(str(parse_money("1", currency))) - 1  # the currency's minor unit, as parse_money knows it
    return f"{Decimal(minor).scaleb(-digits):.{digits}f}"


def quote_form(quote: Quote) -> dict[str, Any]:
    """What the edit form shows for a saved record."""

    def day(value: dt.date | None) -> str:
        return value.isoformat() if value else ""

    return {
        "number": quote.number,
        "name": quote.name,
        "status": quote.status,
        "external_ref": quote.external_ref or "",
        "customer_id": str(quote.customer_id),
        "contact_id": str(quote.contact_id or ""),
        "sales_rep_id": str(quote.sales_rep_id or ""),
        "quote_date": day(quote.quote_date),
        "valid_until": day(quote.valid_until),
        "target_date": day(quote.target_date),
        "completed_on": day(quote.completed_on),
        "bill_to": quote.bill_to,
        "ship_to": quote.ship_to,
        "customer_po": quote.customer_po,
        "currency": quote.currency,
        "terms": quote.terms,
        "notes": quote.notes,
        "recurrence": quote.recurrence,
        "shipping": _amount(quote.shipping_minor, quote.currency),
        "tax_rate": f"{Decimal(quote.tax_rate_bp) / 100:.2f}",
    }


def line_form(line: QuoteLine, currency: str) -> dict[str, str]:
    return {
        "item": line.item,
        "description": line.description,
        "quantity": f"{Decimal(line.quantity).normalize():f}",
        "unit_price": _amount(line.unit_price_minor, currency),
        "taxable": "1" if line.taxable else "",
        "needs_approval": "1" if line.needs_approval else "",
        "status": line.status,
    }


def payment_form(payment: PaymentInstallment, currency: str) -> dict[str, str]:
    return {
        "label": payment.label,
        "due_on": payment.due_on.isoformat() if payment.due_on else "",
        "amount": _amount(payment.amount_minor, currency),
    }
