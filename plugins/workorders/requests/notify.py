"""The emails of work requests: new requests and answers to the vendor, status changes to the customer."""

from __future__ import annotations

import logging

from core import Customer, MailError, RequestContext, User, send_email
from plugins.workorders.models import REQUEST_STATUSES, WorkOrder, WorkRequest, WorkType

SUBMITTED = "workorders.request_submitted"
ANSWERED = "workorders.request_answered"
STATUS_CHANGED = "workorders.request_status_changed"

log = logging.getLogger("portico.workorders.requests")


async def _facts(ctx: RequestContext, request: WorkRequest) -> dict[str, str]:
    site = await ctx.db.get(Customer, request.customer_id)
    work_type = await ctx.db.get(WorkType, request.work_type_id) if request.work_type_id else None
    requester = await ctx.db.get(User, request.requested_by_id) if request.requested_by_id else None
    return {
        "number": request.number,
        "site": site.name if site else "",
        "work_type": work_type.name if work_type else "",
        "requested_by": requester.display_name if requester else "",
        "requested_by_email": requester.email if requester else "",
        "description": request.description,
        "preferred_date": request.preferred_on.isoformat() if request.preferred_on else "",
    }


def vendor_address(ctx: RequestContext) -> str:
    """Where the vendor wants new requests: the setting; empty means no email (the vendor's choice)."""
    return str(ctx.module_settings("workorders").get("request_email") or "").strip()


async def tell_vendor(ctx: RequestContext, template: str, request: WorkRequest, answer: str = "") -> bool:
    """Queue the email to the configured address; False when none is configured."""
    address = vendor_address(ctx)
    if not address:
        return False
    facts = await _facts(ctx, request)
    link = f"/admin/workorders/requests/{request.id}"
    try:
        await send_email(
            ctx,
            template,
            to=[address],
            context={**facts, "answer": answer, "link": link},
            reply_to=facts["requested_by_email"] or None,
        )
    except MailError:  # a mistyped address in the settings must not lose the customer's request
        log.warning("work request %s: the request_email setting %r is not a usable address", request.number, address)
        return False
    return True


async def tell_customer(ctx: RequestContext, request: WorkRequest) -> bool:
    """Queue the status-change email to whoever submitted the request (if they can still get mail)."""
    requester = await ctx.db.get(User, request.requested_by_id) if request.requested_by_id else None
    if requester is None or not requester.active or requester.is_staff or not requester.email:
        return False
    order = await ctx.db.get(WorkOrder, request.work_order_id) if request.work_order_id else None
    facts = await _facts(ctx, request)
    try:
        await send_email(
            ctx,
            STATUS_CHANGED,
            to=[requester.email],
            language=requester.language or None,
            context={
                **facts,
                "name": requester.first_name or requester.display_name,
                "status": request.status,
                "status_label": ctx._(REQUEST_STATUSES[request.status]),
                "question": request.question,
                "decline_reason": request.decline_reason,
                "work_order_number": order.number if order else "",
                "link": f"/workorders/requests/{request.id}",
            },
        )
    except MailError:  # an address the mail system refuses must not undo the vendor's decision
        return False
    return True
