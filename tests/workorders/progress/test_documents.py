"""The work order PDF: visible work orders need no sending, their PDF does (the kernel's send dialog)."""

from __future__ import annotations

from core import CUSTOMER_USER, VENDOR_ADMIN, context_for
from core.accounts import scoped
from core.db import Scope
from core.documents.publishing import document_type
from core.documents.render import render_html
from plugins.workorders.models import WorkOrder
from plugins.workorders.progress.documents import order_pdf_context
from tests.core.documents.pdfcheck import pdf_info
from tests.workorders.progress import helpers


async def test_the_vendor_sends_the_pdf_and_the_customer_downloads_it(
    tenant, customer_factory, user_factory, login_as, db
):
    site = await customer_factory(tenant, "North")
    await helpers.stages(db, tenant)
    wo = await helpers.order(db, tenant, site, "WO-77", reached=2, title="Manifolds")
    contact = await user_factory(tenant, CUSTOMER_USER, site, first_name="Nora")
    nora = await login_as(contact)
    page = await nora.get(f"/workorders/{wo.id}")
    assert page.status_code == 200 and "data-pdf" not in page.text  # visible at once, but no PDF yet
    assert (await nora.get(f"/documents/workorders.order/{wo.id}/pdf")).status_code == 404

    staff = await login_as(await user_factory(tenant, VENDOR_ADMIN))
    staff_page = await staff.get(f"/workorders/{wo.id}")
    assert f'href="/admin/documents/workorders.order/{wo.id}/send"' in staff_page.text
    sent = await staff.post(
        f"/admin/documents/workorders.order/{wo.id}/send", {"contact": str(contact.id), "message": "Status"}
    )
    assert sent.status_code == 302 and sent.headers["location"] == f"/workorders/{wo.id}"

    assert "data-pdf" in (await nora.get(f"/workorders/{wo.id}")).text
    download = await nora.get(f"/documents/workorders.order/{wo.id}/pdf")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert 'filename="work-order-WO-77.pdf"' in download.headers["content-disposition"]
    assert pdf_info(download.content, "Title") == "Work order WO-77"


async def test_the_pdf_shows_parts_and_progress_without_hidden_names(
    tenant, customer_factory, user_factory, db, portico
):
    site = await customer_factory(tenant, "North")
    await helpers.stages(db, tenant)
    wo = await helpers.order(db, tenant, site, "WO-78", parts=2, reached=2, customer_po="PO-55")
    staff = await user_factory(tenant, VENDOR_ADMIN)
    async with scoped(db, Scope(tenant.id)):
        ctx = await context_for(portico, db, tenant.id, staff.id)
        order = await db.get(WorkOrder, wo.id)
        html = render_html(ctx, document_type(ctx, "workorders.order"), order, await order_pdf_context(ctx, order))
        await db.rollback()
    assert "P-1" in html and "P-2" in html and "PO-55" in html and "North" in html
    assert '<td class="done">Received</td><td class="current">Machining</td>' in html
    assert "Now: Machining" in html
    assert "Mill op 20" not in html and "Deburr" not in html
