"""Shared fixtures: the anyio backend and a store per Storage implementation.

`storage_factory` runs a test once per implementation. The in-memory fake is
always there; SQLite joins as soon as `orchestron.sqlite.SqliteStorage` exists.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

# Before anything imports it: the contract checks live in the core package, and
# their plain asserts should fail with the values compared, as in a test module.
pytest.register_assert_rewrite("orchestron.core.testing")

from orchestron.core.ports import Storage
from orchestron.core.testing import FixedClock, MemoryStorage

StorageFactory = Callable[[], Awaitable[Storage]]


def _has_sqlite() -> bool:
    try:
        from orchestron import sqlite
    except ImportError:
        return False
    return hasattr(sqlite, "SqliteStorage")


STORAGE_KINDS = ["memory", *(["sqlite"] if _has_sqlite() else [])]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=STORAGE_KINDS)
async def storage_factory(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[StorageFactory]:
    """Opens connections to one store per test: the same fake, or the same SQLite file.

    Two calls give two connections to one store, as two processes would have.
    """
    opened: list[Storage] = []
    shared = MemoryStorage()

    async def open_one() -> Storage:
        storage: Storage
        if request.param == "memory":
            storage = shared
        else:
            from orchestron.sqlite import SqliteStorage  # type: ignore[attr-defined,unused-ignore]

            storage = await SqliteStorage.open(tmp_path / "orchestron.db")
        opened.append(storage)
        return storage

    yield open_one
    for storage in {id(s): s for s in opened}.values():
        await storage.close()


@pytest.fixture
async def storage(storage_factory: StorageFactory) -> Storage:
    return await storage_factory()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()
