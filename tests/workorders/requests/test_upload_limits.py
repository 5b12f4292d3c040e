"""Attachments larger than the portal accepts are refused on the form, keeping what was typed."""

from __future__ import annotations

import html
import uuid

import pytest

from tests.workorders.requests.conftest import request_form


@pytest.fixture
def portico_settings():
    return {"max_upload_mb": 1}


async def test_a_file_over_the_limit_is_refused(shop, login_as):
    client = await login_as(shop.north_user)
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10)
    response = await client.post(
        "/workorders/requests",
        request_form(shop, uuid.uuid4().hex, description="See the scan"),
        files={"attachments": ("scan.pdf", big, "application/pdf")},
    )
    assert response.status_code == 400
    assert "The file scan.pdf is larger than 1 MB" in html.unescape(response.text)
    assert "See the scan" in response.text
    assert "WR-" not in (await client.get("/workorders/requests")).text


async def test_at_most_five_files(shop, login_as):
    client = await login_as(shop.north_user)
    files = [("attachments", (f"n{i}.txt", b"note\n", "text/plain")) for i in range(6)]
    response = await client.post("/workorders/requests", request_form(shop, uuid.uuid4().hex), files=files)
    assert response.status_code == 400 and "Attach at most 5 files." in response.text
