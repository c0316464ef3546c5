"""The storage contract, run on the reference fake and on SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest

from orchestron.core.ports import Storage
from orchestron.core.testing import STORAGE_CONTRACT, Check, MemoryStorage, StorageFactory
from orchestron.sqlite import SqliteStorage

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["memory", "sqlite"])
def storage_factory(request: pytest.FixtureRequest, tmp_path: Path) -> StorageFactory:
    opened = 0

    @asynccontextmanager
    async def make() -> AsyncIterator[Storage]:
        nonlocal opened
        opened += 1
        storage: Storage
        if request.param == "memory":
            storage = MemoryStorage()
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
