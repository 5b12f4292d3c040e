"""The packing slip and bill of lading PDFs: rendered with the vendor's branding and the
shipment's details, downloadable by the customer once sent."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.core.documents.pdfcheck import pdf_info
from tests.workorders.shipping.conftest import bill_of_lading, packing_slip, purchase_order, send

SHOTS = Path("/tmp/wo-shipping")


def pdf_text(data: bytes, name: str) -> str | None:
    """The PDF's text through pdftotext (poppler), or None where it is not installed."""
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.pdf"
    path.write_bytes(data)
    if shutil.which("pdftotext") is None:
        return None
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return " ".join(text.split())  # one line: table cells wrap wherever the layout put them


@pytest.fixture
async def shipped(shop, db, login_as):
    order = await purchase_order(db, shop, shop.north, "4500066001", lines=2)
    slip = await packing_slip(db, shop, shop.north, "PS-66001", order=order, notes="Handle with care.")
    bol = await bill_of_lading(db, shop, shop.north, "BOL-66001", lines=3, slip=slip)
    staff = await login_as(shop.staff)
    await send(staff, "workorders.packing_slip", slip, shop.north_contact)
    await send(staff, "workorders.bill_of_lading", bol, shop.north_contact)
    return slip, bol, await login_as(shop.north_contact)


async def test_packing_slip_pdf_has_the_shipment(shipped):
    slip, _bol, nora = shipped
    response = await nora.get(f"/documents/workorders.packing_slip/{slip.id}/pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 5000
    assert "packing-slip-PS-66001.pdf" in response.headers["content-disposition"]
    assert pdf_info(response.content, "Title") == "Packing slip PS-66001"
    text = pdf_text(response.content, "packing-slip")
    if text is not None:
        for expected in ("SHIP FROM", "SHIP TO", "Globex North Plant", "4500066001", "Estes Express Lines",
                         "TRK-PS-66001", "SL-PS-66001-1", "Handle with care.", "Total shipped"):  # fmt: skip
            assert expected in text, expected


async def test_bill_of_lading_pdf_is_a_straight_bill(shipped):
    _slip, bol, nora = shipped
    response = await nora.get(f"/documents/workorders.bill_of_lading/{bol.id}/pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert pdf_info(response.content, "Title") == "Straight bill of lading BOL-66001"
    text = pdf_text(response.content, "bill-of-lading")
    if text is not None:
        for expected in ("SHIPPER (FROM)", "CONSIGNEE (TO)", "1 Mill Road", "Old Dominion Freight Line",
                         "PROBOL-66001", "PS-66001", "4500066001", "Pallet", "361.50", "797.0"):  # fmt: skip
            assert expected in text, expected
        assert "Prepaid X" in text or "X Prepaid" in text  # the prepaid box is ticked
