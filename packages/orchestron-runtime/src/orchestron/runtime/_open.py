"""Opening a project: the composition root every door calls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from orchestron.core import Orchestron
from orchestron.core.config import ProjectConfig
from orchestron.core.errors import NotFoundError, StorageError
from orchestron.core.ports import Embedder, Notifier, Storage
from orchestron.runtime._clock import SystemClock
from orchestron.runtime._config import build_notifier, load_config
from orchestron.runtime._embedder import default_embedder
from orchestron.runtime._install import install_hint
from orchestron.runtime._locate import StoreLocation, locate_store

__all__ = ["open_orchestron", "open_storage"]


async def open_storage(location: StoreLocation, *, create: bool = False) -> Storage:
    """Open (and migrate) the store a location names."""
    if location.kind == "postgresql":
        try:
            from orchestron.postgres import PostgresStorage
        except ImportError as exc:
            raise StorageError(
                "a postgresql:// store needs the PostgreSQL adapter, orchestron-postgres; "
                + install_hint("orchestron-postgres")
            ) from exc
        storage: Storage = await PostgresStorage.open(location.url)
        return storage
    from orchestron.sqlite import SqliteStorage

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
    config: ProjectConfig | None = None,
    embedder: Embedder | bool | None = True,
) -> AsyncIterator[Orchestron]:
    """An `Orchestron` over the project's real store, closed on exit.

    The project's config (`.orchestron/config.toml`) sets its settings, rules
    and notifiers; `config` and `notifier` override what the file says. The
    config is checked before the store is opened, so a bad one changes nothing.
    `embedder` True picks the default (wordllama when installed), False or None
    judges memory by words alone.
    """
    location = locate_store(db, cwd=cwd)
    project = config if config is not None else load_config(location)
    if notifier is None:
        notifier = build_notifier(project)
    chosen = default_embedder() if embedder is True else embedder or None
    storage = await open_storage(location, create=create)
    try:
        yield Orchestron(
            storage,
            SystemClock(),
            notifier,
            settings=project.settings,
            rules=project.rules,
            actor=actor,
            embedder=chosen,
        )
    finally:
        await storage.close()
