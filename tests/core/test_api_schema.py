"""The JSON API answers as its OpenAPI schema says: schemathesis with every check, on every
operation of every installed module, on real data.

Schemathesis runs an ASGI app on an event loop of its own, in a thread, but the kit's app shares
the test's database connection, which lives on the test's loop. So schemathesis is handed a WSGI
door instead, which it calls in the test's own thread: each request goes through it to the ASGI
app on the test's loop, idle while this synchronous test waits. The checks that send requests of
their own (the same call without the token) go through the same door.

(``schemathesis.pytest.from_fixture`` would run each operation as a subtest, but it does not work
with pytest 9.2, which dropped ``Node._nodeid``; and one test can assert what the run covered.)
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from sqlalchemy import select
from werkzeug.wrappers import Request

from core.accounts import scoped
from core.db import Scope
from core.models import Tenant
from plugins.quotes.models import ChangeRequest, Quote
from plugins.workorders.models import BillOfLading, PackingSlip, PurchaseOrder, WorkOrder, WorkOrderPart
from tests.core.isolation.walk import populate

#: Examples per operation and mode: about 15 s per database for the whole API, the same cases every run.
EXAMPLES = 5
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # a failure is reported as found, not shrunk
    suppress_health_check=list(HealthCheck),
)
#: Statuses the schema lets the API answer schema-valid data with: 422 is a value that cannot be
#: saved (an unknown customer account), not a malformed request.
#: Text without NUL: the API refuses it (400), as PostgreSQL cannot store it.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}},
        "generation": {"allow-x00": False},
    }
)


async def build(db, portico):
    vendor = await populate(db, portico, "api", "Api")
    async with scoped(db, Scope(vendor.tenant_id)):
        quote = await db.scalar(select(Quote).order_by(Quote.id).limit(1))
        order = await db.scalar(select(WorkOrder).order_by(WorkOrder.id).limit(1))
        quote.external_ref, order.external_ref = "ERP-Q-1", "ERP-WO-1"  # for the by-ref routes
        await db.commit()
    return vendor


pytestmark = pytest.mark.portico_shared(build=build)


@pytest.fixture
def portico_installed():
    return None  # every discovered module


@pytest.fixture
async def test_loop():
    return asyncio.get_running_loop()


@pytest.fixture
async def erp(app, portico_shared):
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=f"http://{portico_shared.host}") as client:
        yield client


@pytest.fixture
async def token(api_token, db, portico, portico_shared):
    tenant = await db.get(Tenant, portico_shared.tenant_id)
    return await api_token(*portico.plugins.permissions, tenant=tenant)


@pytest.fixture
async def real(db, portico_shared) -> dict[str, dict[str, Any]]:
    """Path parameters of records that exist, by operation path: the happy paths get 2xx answers."""
    async with scoped(db, Scope(portico_shared.tenant_id)):

        async def first(model: Any, *where: Any) -> Any:
            return await db.scalar(select(model).where(*where).order_by(model.id).limit(1))

        quote, order = await first(Quote, Quote.external_ref.is_not(None)), await first(WorkOrder)
        approved = await first(Quote, Quote.status == "approved")
        part = await first(WorkOrderPart, WorkOrderPart.work_order_id == order.id)
        change = await first(ChangeRequest)
        po, slip, bol = await first(PurchaseOrder), await first(PackingSlip), await first(BillOfLading)
    api = "/api/v1"
    return {
        f"{api}/quotes/{{quote_id}}": {"quote_id": quote.id},
        f"{api}/quotes/{{quote_id}}/convert": {"quote_id": approved.id},
        f"{api}/quotes/by-ref/{{external_ref}}": {"external_ref": quote.external_ref},
        f"{api}/quotes/change-requests/{{change_id}}": {"change_id": change.id},
        f"{api}/workorders/{{order_id}}": {"order_id": order.id},
        f"{api}/workorders/by-number/{{number}}": {"number": order.number},
        f"{api}/workorders/by-ref/{{ref}}": {"ref": order.external_ref},
        f"{api}/workorders/{{order_id}}/parts/{{part_id}}/progress": {"order_id": order.id, "part_id": part.id},
        f"{api}/workorders/purchase-orders/{{order_id}}": {"order_id": po.id},
        f"{api}/workorders/packing-slips/{{slip_id}}": {"slip_id": slip.id},
        f"{api}/workorders/bills-of-lading/{{bol_id}}": {"bol_id": bol.id},
    }


def happy_bodies(site: int, number: str) -> dict[str, Any]:
    """A payload that is saved, for each write: with the real path parameters, a 2xx."""
    api = "/api/v1"
    purchase_order = {"customer_id": site, "number": "PO-API-1", "lines": [{"part_number": "P-1", "quantity": "2"}]}
    slip = {"customer_id": site, "lines": [{"part_number": "P-1", "quantity": 2}]}
    bill = {
        "customer_id": site,
        "lines": [{"pieces": 1, "package_type": "pallet", "description": "Castings", "weight_kg": "12.5"}],
    }
    return {
        f"POST {api}/quotes": {"customer_id": site, "lines": [{"item": "Bracket", "quantity": "2"}]},
        f"PATCH {api}/quotes/{{quote_id}}": {"name": "Renamed by the ERP"},
        f"PUT {api}/quotes/by-ref/{{external_ref}}": {"notes": "From the ERP"},
        f"PATCH {api}/quotes/change-requests/{{change_id}}": {"response": "Done."},
        f"POST {api}/workorders": {"customer_id": site, "title": "From the ERP"},
        f"PATCH {api}/workorders/{{order_id}}": {"title": "Renamed"},
        f"PUT {api}/workorders/by-number/{{number}}": {"title": "Renamed"},
        f"PUT {api}/workorders/by-ref/{{ref}}": {"title": "Renamed"},
        f"POST {api}/workorders/{{order_id}}/parts/{{part_id}}/progress": {"quantity_done": "1"},
        f"POST {api}/workorders/progress": {"work_order_number": number, "part_position": 1, "quantity_done": 1},
        f"POST {api}/workorders/purchase-orders": purchase_order,
        f"PUT {api}/workorders/purchase-orders/{{order_id}}": purchase_order,
        f"POST {api}/workorders/packing-slips": slip,
        f"PUT {api}/workorders/packing-slips/{{slip_id}}": slip,
        f"POST {api}/workorders/bills-of-lading": bill,
        f"PUT {api}/workorders/bills-of-lading/{{bol_id}}": bill,
    }


@pytest.fixture
def door(erp, test_loop):
    """A WSGI app that answers each request with the ASGI app's answer, made on the test's loop."""

    def app(environ, start_response):
        request = Request(environ)
        headers = [(name, value) for name, value in request.headers.items() if name.lower() != "host"]
        path = quote(environ["PATH_INFO"].encode("latin-1"), safe="/")  # the WSGI way: bytes as latin-1
        query = environ.get("QUERY_STRING", "")
        url = f"{path}?{query}" if query else path
        response = test_loop.run_until_complete(
            erp.request(request.method, url, headers=headers, content=request.get_data())
        )
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.headers.multi_items()))
        return [response.content]

    return app


def fuzz(strategy, auth: dict[str, str], statuses: list[int]):
    """A Hypothesis test that sends ``strategy``'s cases and runs every check on each answer."""

    @SETTINGS
    @given(case=strategy)
    def run(case):
        statuses.append(case.call_and_validate(headers=auth).status_code)

    return run


def test_every_operation_answers_as_its_schema_says(app, door, token, real, portico_shared):
    schema = schemathesis.openapi.from_dict(app.openapi_schema.to_schema(), config=CONFIG)
    schema.app = door
    auth = {"Authorization": f"Bearer {token}"}
    answers: dict[str, list[int]] = defaultdict(list)
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    bodies = happy_bodies(portico_shared.site_ids[0], real["/api/v1/workorders/by-number/{number}"]["number"])
    for operation in operations:  # the happy paths first, on the data as seeded
        kwargs = {"body": bodies[operation.label]} if operation.body else {}
        case = operation.Case(path_parameters=real.get(operation.path), media_type="application/json", **kwargs)
        response = case.call_and_validate(headers=auth)
        assert 200 <= response.status_code < 300, (operation.label, response.text)
        answers[operation.label].append(response.status_code)
    for operation in operations:
        for strategy in (
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real.get(operation.path)),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ):
            try:
                fuzz(strategy, auth, answers[operation.label])()
            except (Exception, BaseExceptionGroup) as failure:  # every operation's failures, not the first
                failures[operation.label] = str(failure)[:3000]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
    assert len(answers) >= 30, f"only {sorted(answers)}"  # every module's routes were found
    unanswered = [label for label, statuses in answers.items() if not any(200 <= s < 300 for s in statuses)]
    assert not unanswered, f"no 2xx answer from {unanswered}"
