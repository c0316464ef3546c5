from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from orchestron.sqlite import SqliteStorage

OpenStorage = Callable[..., Awaitable[SqliteStorage]]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "orchestron.db"


@pytest.fixture
async def open_storage(db: Path) -> AsyncIterator[OpenStorage]:
    """Open `db` (or another path) and close it after the test, even a failed one."""
    opened: list[SqliteStorage] = []

    async def open_(path: Path | None = None, **options: Any) -> SqliteStorage:
        storage = await SqliteStorage.open(path or db, **options)
        opened.append(storage)
        return storage

    yield open_
    for storage in opened:
        await storage.close()
