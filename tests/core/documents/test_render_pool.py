"""The PDF worker processes end with the process that started them, however that one ends."""

from __future__ import annotations

import asyncio
import sys

import pytest

from tests.core.processes import HAS_PROC, descendants, kill, still_running

STARTS_THE_POOL = """
import sys, time
from core.documents.render import warm_up
for warming in warm_up():
    warming.result()
open(sys.argv[1], "w").write("ready")
time.sleep(300)
"""


@pytest.mark.skipif(not HAS_PROC, reason="reads the process table from /proc")
async def test_the_workers_end_when_the_process_that_started_them_is_killed(tmp_path):
    ready = tmp_path / "ready"
    # No pipes: a worker left behind would hold them open, and waiting for the process would hang.
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", STARTS_THE_POOL, str(ready), stdout=asyncio.subprocess.DEVNULL
    )
    try:
        for _ in range(1200):
            if ready.exists():
                break
            await asyncio.sleep(0.1)
        started = descendants(process.pid)
        assert len(started) >= 2  # the workers (and multiprocessing's resource tracker)
        process.kill()  # SIGKILL, as an out-of-memory killer or a timeout would: no shutdown, no atexit
        await process.wait()
        for _ in range(100):
            if not (left := still_running(started)):
                break
            await asyncio.sleep(0.1)
        kill(left)
        assert not left, f"still running after their parent was killed: {sorted(left)}"
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
