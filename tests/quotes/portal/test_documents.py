"""The quote's PDF: sent through the kernel's dialog, it makes the quote visible and carries lines and totals."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from core.testing import deliver_mail
from tests.core.documents.pdfcheck import pdf_objects
from tests.quotes.portal.conftest import ORDER

SHOTS = Path("/tmp/quotes-portal")


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
    text = pdf_objects(pdf.content)
    assert b"Quote" in text or b"Q-" in text

    await deliver_mail(portico)
    [mail] = smtp_server.to(shop.nora.email)
    [attachment] = mail.iter_attachments()
    assert attachment.get_filename() == f"quote-{quote.number}.pdf"

    if shutil.which("pdftoppm"):
        SHOTS.mkdir(exist_ok=True)
        (SHOTS / "quote.pdf").write_bytes(pdf.content)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(SHOTS / "quote.pdf"), str(SHOTS / "quote")],
            check=True,
        )
        assert list(SHOTS.glob("quote*.png"))
    if shutil.which("pdftotext"):
        words = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
        ).stdout.decode()
        for expected in (quote.number, "Brackets for line 2", "ITEM-1", "ITEM-3", "PO-9", "$137.00", "Springfield"):
            assert expected in words, expected


@pytest.mark.parametrize("kind", [ORDER])
async def test_an_order_pdf_has_its_schedule_and_label(kind, shop, make_record, login_as):
    order = await make_record(kind=kind, sent=False, recurrence="Monthly")
    staff = await login_as(shop.staff)
    sent = await staff.post(f"/admin/documents/quotes.order/{order.id}/send", {"contact": [str(shop.nora.id)]})
    assert sent.status_code == 302 and sent.headers["location"] == f"/orders/{order.id}"
    nora = await login_as(shop.nora)
    pdf = await nora.get(f"/documents/quotes.order/{order.id}/pdf")
    assert pdf.status_code == 200
    if shutil.which("pdftotext"):
        words = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
        ).stdout.decode()
        assert f"Order {order.number}" in words and "Recurring: Monthly" in words
