"""Line amounts and record totals, computed on the server in integer minor units."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from plugins.quotes.models import Quote, QuoteLine


def line_amount(quantity: Decimal, unit_price_minor: int) -> int:
    """quantity × unit price, rounded half up to a whole minor unit."""
    return int((Decimal(quantity) * unit_price_minor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def tax_on(taxable_minor: int, rate_bp: int) -> int:
    return int((Decimal(taxable_minor) * rate_bp / 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def apply_totals(quote: Quote, lines: Sequence[QuoteLine]) -> None:
    """Set each line's amount and the record's subtotal, tax, total and approval marker."""
    for line in lines:
        line.amount_minor = line_amount(line.quantity, line.unit_price_minor)
    counted = [line for line in lines if line.status != "declined"]
    quote.subtotal_minor = sum(line.amount_minor for line in counted)
    quote.tax_minor = tax_on(sum(line.amount_minor for line in counted if line.taxable), quote.tax_rate_bp)
    quote.total_minor = quote.subtotal_minor + quote.shipping_minor + quote.tax_minor
    quote.awaiting_approval = any(line.needs_approval and line.approved_at is None for line in counted)
