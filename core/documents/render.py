"""Turning a record into a PDF: the plugin's template with the tenant's branding, then WeasyPrint.

The HTML is rendered on the event loop (it is quick and the context builder needs the
database); the layout work, which takes tens to hundreds of milliseconds of pure Python per
page, runs in a pool of worker processes so that other requests are served meanwhile (a thread
would hold the interpreter lock and stall them).

The pool is stopped on every way out: the app's shutdown (which ``portico serve`` and ``demo``
reach on SIGTERM), the end of every ``portico`` command, and interpreter exit. A worker whose
parent dies anyway (SIGKILL, a crash) exits on its own, so none is ever left running.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import os
import re
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.context import RequestContext
from core.db import utcnow
from core.declarations import DocumentType

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Relative links in a PDF template resolve against this made-up origin; the fetcher below maps
# it to the kernel's static files and refuses every other address.
PORTAL_ORIGIN = "https://portal.invalid/"
DEFAULT_WORKERS = 2
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


class _PortalLanguage:
    """The request's context, but speaking the portal's language: a PDF goes to the customer,
    whatever language the staff member who sends it reads the admin area in."""

    def __init__(self, ctx: RequestContext) -> None:
        self._ctx = ctx

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ctx, name)

    @property
    def language(self) -> str:
        return self._ctx.branding.language or "en"


def render_html(ctx: RequestContext, document: DocumentType, record: Any, values: dict[str, Any]) -> str:
    """The document's HTML through the tenant's template environment (its theme may override)."""
    template = ctx.templates.get_template(document.template)
    branding = ctx.branding
    return template.render(
        {
            **values,
            "ctx": _PortalLanguage(ctx),
            "branding": branding,
            "tenant": ctx.tenant,
            "document": document,
            "record": record,
            "date_format": branding.date_format,
            "issued_at": utcnow(),
            "logo_src": _embeddable_logo(branding.logo_url),
            # Goes into a style sheet: only a plain colour may (saved branding is validated, but
            # the PDF does not rely on every writer having done so).
            "brand_color": branding.primary_color if _COLOUR.match(branding.primary_color) else "#1f5fa8",
        }
    )


def _embeddable_logo(url: str) -> str:
    """The logo address if the PDF renderer may load it: the portal's own static files only.

    Fetching arbitrary addresses while rendering would let a tenant's branding make the server
    call into its own network, so a remote logo is left out and the portal name stands alone.
    """
    return url if url.startswith("/static/") and _static_file(url) is not None else ""


def _static_file(path: str) -> Path | None:
    relative = path.removeprefix("/static/")
    candidate = (STATIC_DIR / relative).resolve()
    if not candidate.is_relative_to(STATIC_DIR) or not candidate.is_file():
        return None
    return candidate


def _fetch(url: str) -> dict[str, Any]:
    """WeasyPrint's resource loader: inline data and the kernel's static files, nothing else."""
    from weasyprint import default_url_fetcher

    if url.startswith("data:"):
        return default_url_fetcher(url)  # type: ignore[no-any-return]
    if url.startswith(PORTAL_ORIGIN + "static/"):
        found = _static_file("/" + url.removeprefix(PORTAL_ORIGIN))
        if found is not None:
            return {"string": found.read_bytes(), "filename": found.name}
    raise ValueError(f"PDF templates may not load {url!r}")


def html_to_pdf_sync(html: str) -> tuple[bytes, int]:
    """Lay out and write the PDF (runs in a worker process); returns the bytes and the page count."""
    from weasyprint import HTML

    rendered = HTML(string=html, base_url=PORTAL_ORIGIN, url_fetcher=_fetch).render()
    return rendered.write_pdf() or b"", len(rendered.pages)


_pool: ProcessPoolExecutor | None = None
_workers = DEFAULT_WORKERS


def _exit_with_parent() -> None:
    """Runs in each worker as it starts: end it when the process that started it has ended.

    A worker otherwise waits on its task queue forever once the parent is killed, since it holds
    that queue's write end itself. The parent sentinel is a pipe that closes when the parent does.
    """
    parent = multiprocessing.parent_process()
    if parent is not None:

        def watch() -> None:
            parent.join()
            os._exit(0)

        threading.Thread(target=watch, name="portico-parent-watch", daemon=True).start()


def _executor() -> ProcessPoolExecutor:
    """The process pool, started on first use. One per Python process: it holds no tenant data,
    only idle interpreters, so apps built side by side (tests) share it safely."""
    global _pool, _workers
    if _pool is None:
        _workers = max(1, int(os.environ.get("PORTICO_PDF_WORKERS", "") or DEFAULT_WORKERS))
        # "spawn": a forked child would inherit the event loop, database connections and locks.
        _pool = ProcessPoolExecutor(
            max_workers=_workers, mp_context=multiprocessing.get_context("spawn"), initializer=_exit_with_parent
        )
    return _pool


def shutdown_pool() -> None:
    """Stop the worker processes and wait for them: a render a worker has started finishes first,
    work not yet handed out is cancelled. The next render starts a new pool. Blocks: from async
    code, run it in a thread."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


# uvicorn re-raises SIGTERM once the app has shut down, so atexit does not run on that path; the
# app's shutdown stops the pool there. This covers everything else that exits normally.
atexit.register(shutdown_pool)


def _warm() -> None:
    """Load WeasyPrint and the fonts in a worker, so the first PDF a vendor sends is not slow."""
    html_to_pdf_sync("<p>.</p>")


def warm_up() -> list[Future[None]]:
    """Start the worker processes and warm them up in the background (called at app start-up);
    returns at once. A worker takes a few seconds to start, which no request should wait for."""
    pool = _executor()
    return [pool.submit(_warm) for _ in range(_workers)]


async def html_to_pdf(html: str) -> RenderedPdf:
    """The PDF of ``html``, made in a worker process while this event loop serves other requests."""
    data, pages = await asyncio.get_running_loop().run_in_executor(_executor(), html_to_pdf_sync, html)
    return RenderedPdf(data=data, pages=pages)


async def render_document(ctx: RequestContext, document: DocumentType, record: Any) -> RenderedPdf:
    """The PDF of ``record`` as ``document``, with the tenant's branding."""
    values = await document.context(ctx, record)
    return await html_to_pdf(render_html(ctx, document, record, values))
