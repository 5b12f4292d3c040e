from tests.workorders.requests.conftest import request_form


async def test_smoke(shop, login_as):
    client = await login_as(shop.north_user)
    page = await client.get("/workorders/requests/new")
    assert page.status_code == 200, page.text[:3000]
    response = await client.post("/workorders/requests", request_form(shop, "a" * 32))
    assert response.status_code == 302, response.text[:3000]
    detail = await client.get(response.headers["location"])
    assert detail.status_code == 200, detail.text[:3000]
    admin = await login_as(shop.admin)
    inbox = await admin.get("/admin/workorders/requests")
    assert inbox.status_code == 200, inbox.text[:3000]
