"""The storage contract, run on the reference fake, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest

from orchestron.core.ports import Storage
from orchestron.core.testing import STORAGE_CONTRACT, Check, MemoryStorage, StorageFactory
from orchestron.sqlite import SqliteStorage
from pg_fixture import pg_wanted

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["memory", "sqlite", *(["postgres"] if pg_wanted() else [])])
def storage_factory(request: pytest.FixtureRequest, tmp_path: Path) -> StorageFactory:
    opened = 0
    # PostgreSQL: one fresh database per test, one schema (= one project) per store.
    pg_url = request.getfixturevalue("pg_url") if request.param == "postgres" else ""

    @asynccontextmanager
    async def make() -> AsyncIterator[Storage]:
        nonlocal opened
        opened += 1
        storage: Storage
        if request.param == "memory":
            storage = MemoryStorage()
        elif request.param == "postgres":
            from orchestron.postgres import PostgresStorage

            storage = await PostgresStorage.open(f"{pg_url}?schema=project_{opened}")
        else:
            storage = await SqliteStorage.open(tmp_path / f"project-{opened}.db")
        try:
            yield storage
        finally:
            await storage.close()

    def factory() -> AbstractAsyncContextManager[Storage]:
        return make()

    return factory


@pytest.mark.parametrize("check", STORAGE_CONTRACT, ids=lambda c: c.__name__.removeprefix("check_"))
async def test_storage_contract(check: Check, storage_factory: StorageFactory) -> None:
    await check(storage_factory)
