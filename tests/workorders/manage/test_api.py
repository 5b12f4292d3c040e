"""The ERP's JSON API: work orders with parts and steps, progress, tags and stages, and clear 4xx answers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core import CUSTOMER_ADMIN, Scope, scoped
from core.api import create_api_token
from plugins.workorders.models import ProcessStep, ProgressEvent, Stage, WorkOrder


async def _token(db, tenant, *permissions: str) -> dict[str, str]:
    async with scoped(db, Scope(tenant.id)):
        _, secret = await create_api_token(
            db, name="ERP", permissions=permissions, allowed=permissions, created_by=None
        )
        await db.commit()
    return {"authorization": f"Bearer {secret}"}


@pytest.fixture
async def erp(client, db, tenant):
    """A client that signs every request with a token holding workorders.manage."""
    headers = await _token(db, tenant, "workorders.manage")

    class Erp:
        async def get(self, url, **kw):
            return await client.inner.get(url, headers=headers, **kw)

        async def post(self, url, body, **kw):
            return await client.inner.post(url, json=body, headers=headers, **kw)

        async def put(self, url, body):
            return await client.inner.put(url, json=body, headers=headers)

        async def patch(self, url, body):
            return await client.inner.patch(url, json=body, headers=headers)

    return Erp()


def _order(site_id: int, **fields) -> dict:
    return {
        "customer_id": site_id,
        "customer_po": "PO-4711",
        "title": "Brackets",
        "due_on": "2026-12-24",
        "parts": [
            {
                "part_number": "BR-1",
                "quantity": 20,
                "external_ref": "L1",
                "steps": [
                    {"name": "Saw", "tag": "Machining", "external_ref": "OP10"},
                    {"name": "Deburr", "tag": "Machining", "name_visible": False},
                    {"name": "Powder coat", "tag": "Paint", "external_ref": "OP30"},
                ],
            },
            {"part_number": "BR-2", "quantity": "2.5", "steps": [{"name": "Pack"}]},
        ],
        **fields,
    }


@pytest.fixture
async def tags(tenant, make_tag):
    return [await make_tag(tenant, "Machining"), await make_tag(tenant, "Paint")]


def _problem_keys(response) -> list[str]:
    return [item.get("key") for item in response.json().get("extra", [])]


async def test_create_read_and_numbering(erp, site, tags):
    created = await erp.post("/api/v1/workorders", _order(site.id))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["number"] == "WO-00001" and body["status"] == "planned" and body["due_on"] == "2026-12-24"
    first, second = body["parts"]
    assert [s["name"] for s in first["steps"]] == ["Saw", "Deburr", "Powder coat"]
    assert first["steps"][1]["name_visible"] is False and first["steps"][2]["tag"] == "Paint"
    assert first["current_step"] == 1 and second["quantity"] == "2.5"
    again = await erp.get(f"/api/v1/workorders/{body['id']}")
    assert again.status_code == 200 and again.json()["parts"][0]["steps"][0]["external_ref"] == "OP10"
    assert (await erp.get("/api/v1/workorders/by-number/WO-00001")).json()["id"] == body["id"]
    listed = (await erp.get("/api/v1/workorders")).json()
    assert [o["number"] for o in listed["items"]] == ["WO-00001"] and listed["next_after"] is None
    assert (await erp.post("/api/v1/workorders", _order(site.id, parts=None))).json()["number"] == "WO-00002"
    paged = (await erp.get("/api/v1/workorders?limit=1")).json()
    assert [o["number"] for o in paged["items"]] == ["WO-00002"]
    rest = (await erp.get(f"/api/v1/workorders?limit=1&after={paged['next_after']}")).json()
    assert [o["number"] for o in rest["items"]] == ["WO-00001"] and rest["next_after"] is None
    assert (await erp.get("/api/v1/workorders?status=planned")).json()["items"][0]["status"] == "planned"
    assert (await erp.get("/api/v1/workorders?status=bogus")).status_code == 400


async def test_upsert_by_external_ref_keeps_the_progress_of_matched_steps(erp, site, tags, tenant, db):
    created = await erp.put("/api/v1/workorders/by-ref/SO-1", _order(site.id))
    assert created.status_code == 201
    order = created.json()
    part_id = order["parts"][0]["id"]
    moved = await erp.post(f"/api/v1/workorders/{order['id']}/parts/{part_id}/progress", {"status": "done"})
    assert moved.status_code == 200, moved.text
    change = {
        "title": "Brackets, revised",
        "parts": [
            {
                "part_number": "BR-1",
                "external_ref": "L1",
                "steps": [
                    {"name": "Saw (band)", "tag": "Machining", "external_ref": "OP10"},
                    {"name": "Powder coat", "tag": "Paint", "external_ref": "OP30"},
                    {"name": "Inspect"},
                ],
            }
        ],
    }
    updated = await erp.put("/api/v1/workorders/by-ref/SO-1", change)
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert body["id"] == order["id"] and body["title"] == "Brackets, revised" and body["customer_po"] == "PO-4711"
    [part] = body["parts"]
    assert part["id"] == part_id and part["quantity"] == "20"  # left out: kept
    assert [(s["name"], s["status"]) for s in part["steps"]] == [
        ("Saw (band)", "done"),
        ("Powder coat", "pending"),
        ("Inspect", "pending"),
    ]
    assert part["current_step"] == 2


async def test_upsert_by_number_creates_then_updates(erp, site, tags):
    created = await erp.put("/api/v1/workorders/by-number/J-100", {"customer_id": site.id, "kind": "service"})
    assert created.status_code == 201 and created.json()["number"] == "J-100"
    updated = await erp.put("/api/v1/workorders/by-number/J-100", {"status": "on_hold"})
    assert updated.status_code == 200 and updated.json()["status"] == "on_hold" and updated.json()["kind"] == "service"
    mismatch = await erp.put("/api/v1/workorders/by-number/J-100", {"number": "J-200"})
    assert mismatch.status_code == 422 and _problem_keys(mismatch) == ["number"]


async def test_patch_changes_only_what_is_given(erp, site, tags):
    order = (await erp.post("/api/v1/workorders", _order(site.id))).json()
    patched = await erp.patch(f"/api/v1/workorders/{order['id']}", {"customer_po": "PO-2"})
    assert patched.status_code == 200
    assert patched.json()["customer_po"] == "PO-2" and len(patched.json()["parts"]) == 2


@pytest.mark.parametrize(
    ("payload", "status", "key"),
    [
        ({"customer_id": "seven"}, 400, "customer_id"),
        ({"due_on": "24.12.2026"}, 400, "due_on"),
        ({"kind": "magic"}, 400, "kind"),
        ({"colour": "red"}, 400, "colour"),
        ({"parts": [{"part_number": "X", "quantity": "lots"}]}, 400, "quantity"),
        ({"parts": [{"part_number": "X", "quantity": -1}]}, 422, "parts[0].quantity"),
        ({"parts": [{"part_number": "", "steps": []}]}, 422, "parts[0].part_number"),
        ({"parts": [{"part_number": "X", "steps": [{"name": "Saw", "tag": "Nope"}]}]}, 422, "parts[0].steps[0].tag"),
        ({"parts": [{"part_number": "X", "steps": [{"tag": "Paint"}]}]}, 400, "name"),
        ({"customer_id": None}, 422, "customer_id"),
        ({"title": "x" * 201}, 422, "title"),
    ],
)
async def test_bad_payloads_get_a_4xx_naming_the_field(erp, site, tags, payload, status, key):
    body = {"customer_id": site.id, **payload}
    response = await erp.post("/api/v1/workorders", body)
    assert response.status_code == status, response.text
    problem = response.json()
    assert key in str(problem.get("extra")) or key in problem["detail"], problem


async def test_duplicate_number_and_ref_are_409(erp, site, tags):
    await erp.post("/api/v1/workorders", {"customer_id": site.id, "number": "WO-7", "external_ref": "SO-7"})
    number = await erp.post("/api/v1/workorders", {"customer_id": site.id, "number": "WO-7"})
    assert number.status_code == 409 and _problem_keys(number) == ["number"]
    ref = await erp.post("/api/v1/workorders", {"customer_id": site.id, "external_ref": "SO-7"})
    assert ref.status_code == 409 and _problem_keys(ref) == ["external_ref"]


async def test_another_vendors_ids_are_refused(erp, site, tags, tenant_factory, customer_factory, make_order, db):
    other = await tenant_factory("other")
    foreign_site = await customer_factory(other, "Foreign")
    refused = await erp.post("/api/v1/workorders", {"customer_id": foreign_site.id})
    assert refused.status_code == 422 and _problem_keys(refused) == ["customer_id"]
    foreign = await make_order(other, foreign_site, "WO-00001")
    async with scoped(db, Scope(other.id)):
        step = await db.scalar(select(ProcessStep).where(ProcessStep.work_order_id == foreign.id).limit(1))
        foreign_ids = (foreign.id, step.part_id, step.id)
    assert (await erp.get(f"/api/v1/workorders/{foreign_ids[0]}")).status_code == 404
    progress = await erp.post(
        f"/api/v1/workorders/{foreign_ids[0]}/parts/{foreign_ids[1]}/progress", {"status": "done"}
    )
    assert progress.status_code == 404
    assert (await erp.patch(f"/api/v1/workorders/{foreign_ids[0]}", {"title": "mine"})).status_code == 404
    # Our own order, with the foreign step's id: not found either.
    own = (await erp.post("/api/v1/workorders", _order(site.id))).json()
    by_step = await erp.post(
        f"/api/v1/workorders/{own['id']}/parts/{own['parts'][0]['id']}/progress",
        {"step_id": foreign_ids[2], "status": "done"},
    )
    assert by_step.status_code == 404
    async with scoped(db, Scope(other.id)):
        step = await db.scalar(select(ProcessStep).where(ProcessStep.id == foreign_ids[2]))
        assert step.status == "pending"


async def test_contact_must_be_of_the_site(erp, site, tags, tenant, customer_factory, user_factory):
    stranger = await user_factory(tenant, CUSTOMER_ADMIN, await customer_factory(tenant, "Initech"))
    colleague = await user_factory(tenant, CUSTOMER_ADMIN, site)
    refused = await erp.post("/api/v1/workorders", {"customer_id": site.id, "contact_id": stranger.id})
    assert refused.status_code == 422 and _problem_keys(refused) == ["contact_id"]
    ok = await erp.post("/api/v1/workorders", {"customer_id": site.id, "contact_id": colleague.id})
    assert ok.status_code == 201 and ok.json()["contact_id"] == colleague.id


async def test_progress_by_refs_records_events_without_a_user_and_completes(erp, site, tags, tenant, db):
    order = (await erp.put("/api/v1/workorders/by-ref/SO-9", _order(site.id))).json()
    started = await erp.post(
        "/api/v1/workorders/progress",
        {"work_order_ref": "SO-9", "part_ref": "L1", "step_external_ref": "OP10", "status": "started"},
    )
    assert started.status_code == 200, started.text
    assert started.json()["work_order_status"] == "in_progress"
    assert started.json()["part"]["steps"][0]["status"] == "in_progress"
    done = await erp.post(
        "/api/v1/workorders/progress",
        {
            "work_order_number": order["number"],
            "part_position": 1,
            "step_position": 3,
            "status": "done",
            "quantity_done": 18,
        },
    )
    body = done.json()
    assert [s["status"] for s in body["part"]["steps"]] == ["done", "done", "done"]
    assert body["part"]["quantity_done"] == "18" and body["part"]["current_step"] is None
    assert body["work_order_status"] == "in_progress"  # the second part is not done
    second = order["parts"][1]["id"]
    last = await erp.post(f"/api/v1/workorders/{order['id']}/parts/{second}/progress", {"status": "done"})
    assert last.json()["work_order_status"] == "completed"
    async with scoped(db, Scope(tenant.id)):
        events = list(await db.scalars(select(ProgressEvent).order_by(ProgressEvent.id)))
        saved = await db.scalar(select(WorkOrder).where(WorkOrder.id == order["id"]))
    assert {e.user_id for e in events} == {None}
    assert [e.status for e in events] == ["in_progress", "done", "done", "done", "done"]
    assert saved.completed_on is not None
    back = await erp.post(
        f"/api/v1/workorders/{order['id']}/parts/{second}/progress", {"step_position": 1, "status": "pending"}
    )
    assert back.json()["work_order_status"] == "in_progress"


@pytest.mark.parametrize(
    ("payload", "status", "key"),
    [
        ({}, 422, "status"),
        ({"status": "finished"}, 400, "status"),
        ({"step_position": 9, "status": "done"}, 404, "step_position"),
        ({"step_position": 1}, 422, "status"),
        ({"status": "pending"}, 422, "step_id"),
        ({"quantity_done": -3}, 422, "quantity_done"),
        ({"quantity_done": "many"}, 400, "quantity_done"),
    ],
)
async def test_bad_progress_gets_a_4xx(erp, site, tags, payload, status, key):
    order = (await erp.post("/api/v1/workorders", _order(site.id))).json()
    url = f"/api/v1/workorders/{order['id']}/parts/{order['parts'][0]['id']}/progress"
    response = await erp.post(url, payload)
    assert response.status_code == status, response.text
    assert key in response.text


async def test_a_move_that_cannot_be_made_is_409(erp, site, tags):
    order = (await erp.post("/api/v1/workorders", _order(site.id, status="cancelled"))).json()
    url = f"/api/v1/workorders/{order['id']}/parts/{order['parts'][0]['id']}/progress"
    response = await erp.post(url, {"status": "started"})
    assert response.status_code == 409 and "cancelled" in response.json()["detail"]


async def test_quantity_only_progress(erp, site, tags):
    order = (await erp.post("/api/v1/workorders", _order(site.id))).json()
    url = f"/api/v1/workorders/{order['id']}/parts/{order['parts'][0]['id']}/progress"
    response = await erp.post(url, {"quantity_done": "7.5"})
    assert response.status_code == 200 and response.json()["part"]["quantity_done"] == "7.5"


async def test_tags_and_stages_are_listed(erp, site, tags, tenant, db):
    async with scoped(db, Scope(tenant.id)):
        db.add(Stage(name="Machining", tag_id=tags[0].id, position=1, show_multiple=True))
        db.add(Stage(name="Own paint", tag_id=tags[1].id, position=1, customer_id=site.id))
        await db.commit()
    assert [t["name"] for t in (await erp.get("/api/v1/workorders/tags")).json()] == ["Machining", "Paint"]
    stages = (await erp.get("/api/v1/workorders/stages")).json()
    assert [(s["name"], s["tag"], s["show_multiple"]) for s in stages] == [("Machining", "Machining", True)]
    own = (await erp.get(f"/api/v1/workorders/stages?customer_id={site.id}")).json()
    assert [s["name"] for s in own] == ["Own paint"]


async def test_a_token_without_the_permission_is_refused(client, db, tenant):
    headers = await _token(db, tenant, "core.admin.customers")
    response = await client.inner.get("/api/v1/workorders", headers=headers)
    assert response.status_code == 403 and "workorders.manage" in response.json()["detail"]


async def test_openapi_describes_the_api(client):
    schema = (await client.get("/api/v1/schema/openapi.json")).json()
    assert "/api/v1/workorders" in schema["paths"]
    assert "/api/v1/workorders/{order_id}/parts/{part_id}/progress" in schema["paths"]
    assert "/api/v1/workorders/by-ref/{ref}" in schema["paths"]
    components = schema["components"]["schemas"]
    assert any("WorkOrderIn" in name for name in components) and any("ProgressIn" in name for name in components)


async def test_parts_made_by_hand_are_adopted_by_the_erps_refs_and_extra_parts_removed(
    erp, site, tags, tenant, make_order, db
):
    order = await make_order(tenant, site, "WO-00050", parts=(("Saw", "Paint"), ("Pack",)))
    first = (await erp.get(f"/api/v1/workorders/{order.id}")).json()["parts"][0]
    await erp.post(f"/api/v1/workorders/{order.id}/parts/{first['id']}/progress", {"status": "done"})
    body = {
        "external_ref": "SO-50",
        "parts": [
            {
                "part_number": "P-1",
                "external_ref": "L1",
                "steps": [{"name": "Saw", "external_ref": "OP10"}, {"name": "Paint", "tag": "Paint"}],
            }
        ],
    }
    updated = await erp.put("/api/v1/workorders/by-number/WO-00050", body)
    assert updated.status_code == 200, updated.text
    [part] = updated.json()["parts"]
    assert part["id"] == first["id"] and part["external_ref"] == "L1"
    assert [(s["external_ref"], s["status"], s["tag"]) for s in part["steps"]] == [
        ("OP10", "done", None),
        (None, "pending", "Paint"),
    ]
    async with scoped(db, Scope(tenant.id)):
        left = list(await db.scalars(select(ProcessStep.name).where(ProcessStep.work_order_id == order.id)))
    assert sorted(left) == ["Paint", "Saw"]  # the second part went, with its step


async def test_a_number_taken_between_check_and_save_is_a_409(erp, site, tenant, make_order, monkeypatch):
    from plugins.workorders.manage import checks

    await make_order(tenant, site, "WO-00009")

    async def unchecked(ctx, number, order_id, field="number"):
        return number

    monkeypatch.setattr(checks, "number_free", unchecked)
    response = await erp.post("/api/v1/workorders", {"customer_id": site.id, "number": "WO-00009"})
    assert response.status_code == 409 and _problem_keys(response) == ["number"]
