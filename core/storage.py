"""Where files live: PDF snapshots, uploads, logos.

A small interface so a deployment can swap the local directory for object storage. Keys are
made by the server (``<tenant>/<yyyy>/<mm>/<random><suffix>``); a name a client sent is never
part of a path, it is kept in the database next to the key for display and downloads only.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

import anyio

from core.db import utcnow

_KEY = re.compile(r"^\d+/\d{4}/\d{2}/[0-9a-f]{32}(\.[a-z0-9]{1,8})?$")
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")
CHUNK = 64 * 1024


class StorageError(Exception):
    """A key that is malformed, or names a file that is not there."""


class Storage(Protocol):
    """What the kernel needs from a file store."""

    async def save(self, tenant_id: int, data: bytes, *, suffix: str = "") -> str:
        """Store ``data`` under a new server-made key and return the key."""
        ...

    async def read(self, key: str) -> bytes: ...

    def stream(self, key: str) -> AsyncIterator[bytes]:
        """The file's bytes in chunks, for responses that should not hold it all in memory."""
        ...

    async def size(self, key: str) -> int: ...

    async def delete(self, key: str) -> None:
        """Remove the file; a missing file is not an error."""
        ...


def new_key(tenant_id: int, suffix: str = "") -> str:
    suffix = suffix.lower()
    if suffix and not _SUFFIX.match(suffix):
        raise StorageError(f"invalid file suffix {suffix!r}")
    now = utcnow()
    return f"{int(tenant_id)}/{now:%Y}/{now:%m}/{secrets.token_hex(16)}{suffix}"


def check_key(key: str) -> str:
    if not _KEY.match(key):
        raise StorageError(f"invalid storage key {key!r}")
    return key


class LocalStorage:
    """Files in a local directory (``PORTICO_FILES_DIR``, by default ``<data dir>/files``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    async def save(self, tenant_id: int, data: bytes, *, suffix: str = "") -> str:
        key = new_key(tenant_id, suffix)
        await anyio.to_thread.run_sync(self._write, self.path(key), data)
        return key

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        os.replace(partial, path)  # readers never see half a file

    async def read(self, key: str) -> bytes:
        path = self.path(key)
        try:
            return await anyio.to_thread.run_sync(path.read_bytes)
        except FileNotFoundError as exc:
            raise StorageError(f"no stored file {key!r}") from exc

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        path = self.path(key)
        try:
            handle = await anyio.open_file(path, "rb")
        except FileNotFoundError as exc:
            raise StorageError(f"no stored file {key!r}") from exc
        async with handle:
            while chunk := await handle.read(CHUNK):
                yield chunk

    async def size(self, key: str) -> int:
        try:
            return (await anyio.Path(self.path(key)).stat()).st_size
        except FileNotFoundError as exc:
            raise StorageError(f"no stored file {key!r}") from exc

    async def delete(self, key: str) -> None:
        await anyio.Path(self.path(key)).unlink(missing_ok=True)
