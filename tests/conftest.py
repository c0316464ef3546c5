"""Fixtures every test folder shares."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from orchestron.core.ports import Storage
from orchestron.core.testing import MemoryStorage

StorageFactory = Callable[[], Awaitable[Storage]]


def _storage_kinds() -> list[str]:
    """The fake always; SQLite once its adapter exists, so the same tests run on both."""
    kinds = ["memory"]
    try:
        from orchestron import sqlite
    except ImportError:
        return kinds
    if hasattr(sqlite, "SqliteStorage"):
        kinds.append("sqlite")
    return kinds


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=_storage_kinds())
async def storage_factory(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[StorageFactory]:
    """Makes fresh stores of one kind; closes them after the test."""
    opened: list[Storage] = []

    async def make() -> Storage:
        if request.param == "memory":
            storage: Storage = MemoryStorage()
        else:
            from orchestron.sqlite import SqliteStorage  # type: ignore[attr-defined,unused-ignore]

            storage = await SqliteStorage.open(tmp_path / f"store-{len(opened)}.db")
        opened.append(storage)
        return storage

    yield make
    for storage in opened:
        await storage.close()
