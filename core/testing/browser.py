"""The app on a real loopback server, and headless Chromium to drive it."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio
from litestar import Litestar

from core.testing.clients import TEST_PASSWORD
from core.testing.mail import free_port

CHROMIUM = os.environ.get("PORTICO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest_asyncio.fixture(loop_scope="session")
async def live_server(app: Litestar) -> AsyncIterator[str]:
    """The app served by uvicorn on loopback, in this event loop; yields ``http://localhost:PORT``."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    server.install_signal_handlers = lambda: None  # type: ignore[attr-defined]
    task = asyncio.get_running_loop().create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.025)
    else:
        raise RuntimeError("the test server did not start")
    try:
        yield f"http://localhost:{port}"
    finally:
        server.should_exit = True
        await task


async def _installed(executable: str) -> None:
    """Wait for an install of Chromium still running beside the tests (``scripts/test`` starts
    the tests without waiting for it on a fresh machine), then fail if there is no Chromium."""
    installer = os.environ.get("PORTICO_CHROMIUM_INSTALLER", "")
    for _ in range(600 * 4):
        if os.path.exists(executable) or not installer.isdigit() or not _running(int(installer)):
            break
        await asyncio.sleep(0.25)
    if not os.path.exists(executable):
        log = os.environ.get("PORTICO_CHROMIUM_LOG", "")
        where = f"; its log: {log}" if log else ""
        pytest.fail(f"Chromium is not installed at {executable} (the test command installs it{where})")


def _running(pid: int) -> bool:
    """Whether ``pid`` still runs. The installer ended is a zombie until reaped, and nobody reaps
    it (the test command's shell became pytest), so its state is read rather than signalled."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except OSError:
        try:
            os.kill(pid, 0)  # no /proc here
        except OSError:
            return False
        return True


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Any]:
    """Headless Debian Chromium driven by Playwright, shared by the whole run."""
    from playwright.async_api import async_playwright

    await _installed(CHROMIUM)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        await browser.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page_factory(browser: Any) -> AsyncIterator[Callable[[], Awaitable[Any]]]:
    """async () -> a page in a browser context of its own: another person on another computer."""
    contexts: list[Any] = []

    async def make() -> Any:
        context = await browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = await context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        await context.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page(page_factory: Callable[[], Awaitable[Any]]) -> Any:
    return await page_factory()


async def browser_login(page: Any, base_url: str, email: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real login form."""
    await page.goto(f"{base_url}/login")
    await page.fill("#email", email)
    await page.fill("#password", password)
    await page.click("button[type=submit]")
    await page.wait_for_load_state("networkidle")
