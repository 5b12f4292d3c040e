"""Where the worker runs: inside each web process, or on its own as ``portico worker``."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from core.accounts import scoped
from core.app import create_app
from core.db import Scope
from core.mail import OutboxMessage, queue_email


async def _queue(portico, db, tenant, subject):
    async with scoped(db, Scope(tenant.id)):
        message = await queue_email(db, portico.storage, to=["ann@example.com"], subject=subject, text="Hello.")
        await db.commit()
    return message.id


@pytest.mark.portico_commits
async def test_the_web_app_delivers_email_while_it_runs(make_portico, db, tenant, smtp_server):
    portico = await make_portico(mail_worker="app")
    app = create_app(portico=portico)
    async with app.lifespan():
        await _queue(portico, db, tenant, "Sent by the web process")
        for _ in range(200):
            if smtp_server.messages:
                break
            await asyncio.sleep(0.05)
    assert [m["Subject"] for m in smtp_server.messages] == ["Sent by the web process"]


async def test_with_the_app_worker_off_nothing_is_sent(make_portico, db, tenant, smtp_server):
    portico = await make_portico(mail_worker="off")
    async with create_app(portico=portico).lifespan():
        await _queue(portico, db, tenant, "Waits for portico worker")
        await asyncio.sleep(0.5)
    assert smtp_server.messages == []


@pytest.mark.portico_commits
async def test_portico_worker_once_delivers_what_is_due(portico, db, tenant, smtp_server, tmp_path):
    message_id = await _queue(portico, db, tenant, "Sent by portico worker")
    env = {
        **os.environ,
        "PORTICO_DATA_DIR": str(tmp_path / "cli"),
        "PORTICO_FILES_DIR": str(portico.settings.files_path),
        "PORTICO_SMTP_HOST": smtp_server.host,
        "PORTICO_SMTP_PORT": str(smtp_server.port),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "core.cli", "worker", "--once", "--db", portico.settings.database_url,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    assert "1 sent" in out.decode()
    assert [m["Subject"] for m in smtp_server.messages] == ["Sent by portico worker"]
    async with scoped(db, Scope.system()):
        db.expire_all()
        assert (await db.get(OutboxMessage, message_id)).state == "sent"
