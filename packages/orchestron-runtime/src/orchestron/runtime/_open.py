"""Opening a project: the composition root every door calls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from orchestron.core import Orchestron
from orchestron.core.errors import NotFoundError, StorageError
from orchestron.core.ports import Notifier, Storage
from orchestron.runtime._clock import SystemClock
from orchestron.runtime._locate import StoreLocation, locate_store

__all__ = ["open_orchestron", "open_storage"]


async def open_storage(location: StoreLocation, *, create: bool = False) -> Storage:
    """Open (and migrate) the store a location names."""
    if location.kind == "postgresql":
        try:
            from orchestron.postgres import PostgresStorage
        except ImportError as exc:
            raise StorageError(
                "a postgresql:// store needs the PostgreSQL adapter: "
                "pip install orchestron-postgres"
            ) from exc
        storage: Storage = await PostgresStorage.open(location.url)
        return storage
    from orchestron.sqlite import SqliteStorage  # type: ignore[attr-defined,unused-ignore]

    assert location.path is not None
    if not create and not location.path.exists():
        raise NotFoundError(
            "database", str(location.path), "run `orchestron init` to create the project"
        )
    opened: Storage = await SqliteStorage.open(location.path)
    return opened


@asynccontextmanager
async def open_orchestron(
    db: str | None = None,
    *,
    cwd: Path | None = None,
    actor: str = "human",
    notifier: Notifier | None = None,
    create: bool = False,
) -> AsyncIterator[Orchestron]:
    """An `Orchestron` over the project's real store, closed on exit."""
    location = locate_store(db, cwd=cwd)
    storage = await open_storage(location, create=create)
    try:
        yield Orchestron(storage, SystemClock(), notifier, actor=actor)
    finally:
        await storage.close()
