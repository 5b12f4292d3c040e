"""The local file store: server-made keys, no way out of its directory."""

from __future__ import annotations

import pytest

from core.storage import LocalStorage, StorageError


async def test_saved_files_read_back_and_stream(tmp_path):
    storage = LocalStorage(tmp_path)
    key = await storage.save(7, b"%PDF-1.7 hello", suffix=".pdf")
    assert key.startswith("7/") and key.endswith(".pdf")
    assert await storage.read(key) == b"%PDF-1.7 hello"
    assert await storage.size(key) == 14
    assert b"".join([chunk async for chunk in storage.stream(key)]) == b"%PDF-1.7 hello"
    await storage.delete(key)
    with pytest.raises(StorageError):
        await storage.read(key)
    await storage.delete(key)  # deleting twice is fine


@pytest.mark.parametrize("key", ["../secret", "7/2026/11/../../x", "/etc/passwd", "7/2026/11/abc.pdf", ""])
async def test_keys_that_are_not_server_made_are_refused(tmp_path, key):
    with pytest.raises(StorageError):
        await LocalStorage(tmp_path).read(key)


async def test_suffixes_are_checked(tmp_path):
    with pytest.raises(StorageError):
        await LocalStorage(tmp_path).save(1, b"x", suffix=".pdf/../../x")
