"""The quote's PDF: sent through the kernel's dialog, it makes the quote visible and carries lines and totals."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from core.testing import deliver_mail
from tests.quotes.portal.conftest import ORDER

SHOTS = Path("/tmp/quotes-portal")


def pdf_text(data: bytes) -> str:
    """The PDF's words, through poppler's pdftotext (installed with pdftoppm on the test machine)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def pdf_picture(data: bytes, name: str) -> Path:
    """Page 1 as a PNG in /tmp/quotes-portal, to look at."""
    SHOTS.mkdir(exist_ok=True)
    (SHOTS / f"{name}.pdf").write_bytes(data)
    command = ["pdftoppm", "-png", "-r", "60", "-singlefile", str(SHOTS / f"{name}.pdf"), str(SHOTS / name)]
    subprocess.run(command, check=True)
    return SHOTS / f"{name}.png"


async def test_sending_a_quote_makes_it_visible_with_its_pdf(shop, make_record, login_as, portico, smtp_server):
    quote = await make_record(sent=False, name="Brackets for line 2", customer_po="PO-9", bill_to="Globex\nSpringfield")
    nora = await login_as(shop.nora)
    assert (await nora.get(f"/quotes/{quote.id}")).status_code == 404

    staff = await login_as(shop.staff)
    dialog = await staff.get(f"/admin/documents/quotes.quote/{quote.id}/send")
    assert dialog.status_code == 200 and "Nora" in dialog.text and "Sid" not in dialog.text
    sent = await staff.post(
        f"/admin/documents/quotes.quote/{quote.id}/send", {"contact": [str(shop.nora.id)], "message": "For review."}
    )
    assert sent.status_code == 302 and sent.headers["location"] == f"/quotes/{quote.id}"

    page = await nora.get(f"/quotes/{quote.id}")
    assert page.status_code == 200 and "data-pdf" in page.text
    pdf = await nora.get(f"/documents/quotes.quote/{quote.id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    words = pdf_text(pdf.content)
    for expected in (f"Quote {quote.number}", "Brackets for line 2", "ITEM-3", "PO-9", "$137.00", "Springfield"):
        assert expected in words, expected
    assert pdf_picture(pdf.content, "quote").stat().st_size > 1000

    await deliver_mail(portico)
    [mail] = smtp_server.to(shop.nora.email)
    [attachment] = mail.iter_attachments()
    assert attachment.get_filename() == f"quote-{quote.number}.pdf"


async def test_an_order_pdf_says_order_and_shows_its_schedule(shop, make_record, login_as, db):
    from core.accounts import scoped
    from core.db import Scope
    from plugins.quotes.models import PaymentInstallment

    order = await make_record(kind=ORDER, sent=False, recurrence="Monthly")
    async with scoped(db, Scope(shop.tenant.id)):
        db.add(PaymentInstallment(customer_id=order.customer_id, quote_id=order.id, label="Deposit", amount_minor=700))
        await db.commit()
    staff = await login_as(shop.staff)
    sent = await staff.post(f"/admin/documents/quotes.order/{order.id}/send", {"contact": [str(shop.nora.id)]})
    assert sent.status_code == 302 and sent.headers["location"] == f"/orders/{order.id}"
    nora = await login_as(shop.nora)
    pdf = await nora.get(f"/documents/quotes.order/{order.id}/pdf")
    assert pdf.status_code == 200
    words = pdf_text(pdf.content)
    assert f"Order {order.number}" in words and "Recurring: Monthly" in words
    assert "payment schedule" in words.lower() and "Deposit" in words and "$7.00" in words
