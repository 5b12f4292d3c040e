"""Subprocess entry point: serve the real Portico app or the bare baseline with uvicorn on loopback.

``python -m bench.serve real|bare --port N --db URL --data-dir DIR``; the real app's secret comes
from ``PORTICO_SECRET_KEY``. Both are served the same way: one uvicorn process, no access log.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import uvicorn
from litestar import Litestar

HOST = "127.0.0.1"  # loopback only, never configurable


def build(kind: str, database_url: str, data_dir: Path) -> Litestar:
    if kind == "real":
        from core.app import create_app
        from core.settings import Settings

        settings = Settings(
            database_url=database_url,
            secret_key=os.environ.get("PORTICO_SECRET_KEY", ""),
            data_dir=data_dir,
        )
        return create_app(settings)
    from bench.bare_app import create_bare_app

    return create_bare_app(database_url)


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.serve")
    parser.add_argument("kind", choices=["real", "bare"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--data-dir", required=True)
    args = parser.parse_args()
    app = build(args.kind, args.db, Path(args.data_dir))
    uvicorn.run(app, host=HOST, port=args.port, log_level="warning", access_log=False, lifespan="on")


if __name__ == "__main__":
    main()
