"""Moving a part through its steps from the admin pages: statuses, timestamps, events, and the
work order's status following the work."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from core import Scope, scoped
from plugins.workorders.models import ProcessStep, ProgressEvent, WorkOrder, WorkOrderPart


async def _load(db, tenant, order_id):
    async with scoped(db, Scope(tenant.id)):
        fresh = {"populate_existing": True}
        order = await db.scalar(select(WorkOrder).where(WorkOrder.id == order_id).execution_options(**fresh))
        parts = list(
            await db.scalars(
                select(WorkOrderPart)
                .where(WorkOrderPart.work_order_id == order_id)
                .order_by(WorkOrderPart.position)
                .execution_options(**fresh)
            )
        )
        steps = list(
            await db.scalars(
                select(ProcessStep)
                .where(ProcessStep.work_order_id == order_id)
                .order_by(ProcessStep.part_id, ProcessStep.position)
                .execution_options(**fresh)
            )
        )
        events = list(await db.scalars(select(ProgressEvent).order_by(ProgressEvent.id)))
        return order, parts, steps, events


async def test_start_then_complete_records_events_and_moves_the_order(admin, tenant, site, staff, make_order, db):
    staff_id = staff.id
    order = await make_order(tenant, site, parts=(("Saw", "Paint"), ("Pack",)))
    _, (first, second), _, _ = await _load(db, tenant, order.id)
    move = f"/admin/workorders/{order.id}/parts/{first.id}/move"

    assert (await admin.post(move, {"action": "start"})).status_code == 302
    order, _, (saw, paint, pack), events = await _load(db, tenant, order.id)
    assert order.status == "in_progress"
    assert (saw.status, saw.started_at is not None, saw.completed_at) == ("in_progress", True, None)
    assert [(e.step_id, e.status, e.user_id, e.customer_id) for e in events] == [
        (saw.id, "in_progress", staff_id, site.id)
    ]

    again = await admin.post(move, {"action": "start"})
    assert again.status_code == 400 and "is already started" in again.text

    await admin.post(move, {"action": "complete"})
    await admin.post(move, {"action": "complete"})  # Paint was never started: it is started and done at once
    order, (first, _), (saw, paint, pack), events = await _load(db, tenant, order.id)
    assert (saw.status, paint.status, pack.status) == ("done", "done", "pending")
    assert paint.started_at is not None and paint.completed_at is not None
    assert first.quantity_done == Decimal(10)  # every step done: the whole quantity is done
    assert order.status == "in_progress" and order.completed_on is None
    done = await admin.post(move, {"action": "complete"})
    assert done.status_code == 400 and "Every step of this part is done." in done.text

    await admin.post(f"/admin/workorders/{order.id}/parts/{second.id}/move", {"action": "complete"})
    order, _, _, events = await _load(db, tenant, order.id)
    assert order.status == "completed" and order.completed_on is not None
    assert [e.status for e in events] == ["in_progress", "done", "done", "done"]


async def test_setting_the_position_moves_forward_and_back(admin, tenant, site, make_order, db):
    order = await make_order(tenant, site, parts=(("Saw", "Weld", "Paint"),))
    _, (part,), _, _ = await _load(db, tenant, order.id)
    move = f"/admin/workorders/{order.id}/parts/{part.id}/move"

    await admin.post(move, {"action": "position", "position": "2"})
    order, _, steps, events = await _load(db, tenant, order.id)
    assert [s.status for s in steps] == ["done", "done", "pending"]
    assert order.status == "in_progress" and len(events) == 2

    await admin.post(move, {"action": "position", "position": "3"})
    order, _, steps, _ = await _load(db, tenant, order.id)
    assert order.status == "completed"

    await admin.post(move, {"action": "position", "position": "1"})
    order, _, steps, events = await _load(db, tenant, order.id)
    assert [s.status for s in steps] == ["done", "pending", "pending"]
    assert steps[1].completed_at is None and steps[1].started_at is None
    assert order.status == "in_progress" and order.completed_on is None
    assert [e.status for e in events][-2:] == ["pending", "pending"]

    await admin.post(move, {"action": "position", "position": "0"})
    order, _, _, _ = await _load(db, tenant, order.id)
    assert order.status == "planned"  # nothing started any more

    bad = await admin.post(move, {"action": "position", "position": "9"})
    assert bad.status_code == 400 and "Choose one of the part" in bad.text


async def test_a_cancelled_order_does_not_move_and_a_part_without_steps_says_so(admin, tenant, site, make_order, db):
    cancelled = await make_order(tenant, site, "WO-1", status="cancelled")
    _, (part,), _, _ = await _load(db, tenant, cancelled.id)
    refused = await admin.post(f"/admin/workorders/{cancelled.id}/parts/{part.id}/move", {"action": "start"})
    assert refused.status_code == 400 and "cancelled" in refused.text
    empty = await make_order(tenant, site, "WO-2", parts=((),))
    _, (bare,), _, _ = await _load(db, tenant, empty.id)
    response = await admin.post(f"/admin/workorders/{empty.id}/parts/{bare.id}/move", {"action": "complete"})
    assert response.status_code == 400 and "no process steps yet" in response.text


async def test_an_order_on_hold_stays_on_hold_while_work_is_reported(admin, tenant, site, make_order, db):
    order = await make_order(tenant, site, status="on_hold")
    _, (part,), _, _ = await _load(db, tenant, order.id)
    await admin.post(f"/admin/workorders/{order.id}/parts/{part.id}/move", {"action": "start"})
    order, _, _, _ = await _load(db, tenant, order.id)
    assert order.status == "on_hold"
