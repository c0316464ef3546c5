"""SqliteStorage: the Storage port over one SQLite file per project."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Self

from orchestron.core.errors import OrchestronError, StorageError
from orchestron.sqlite._connection import (
    begin,
    connect,
    connect_read_only,
    is_busy,
    is_read_only,
    migrate,
)
from orchestron.sqlite._db import Database
from orchestron.sqlite._tasks import RankCache
from orchestron.sqlite._uow import SqliteUnitOfWork

if TYPE_CHECKING:
    import asyncio

__all__ = ["SqliteStorage"]


class SqliteStorage:
    """One connection, used by one event loop; its units of work run one at a time.

    Its statements never suspend (see `_db`), so a unit of work can also be run
    with no event loop at all, by sending its coroutine None once: the CLI's
    read commands do, and skip importing asyncio (a quarter of their start-up).

    Many processes may open the same file: writes begin IMMEDIATE, so they
    queue for the write lock instead of failing halfway, and a lock held
    longer than `lock_wait` seconds becomes a retryable StorageError.
    """

    def __init__(self, conn: Database, path: Path, *, lock_wait: float) -> None:
        """Use `await SqliteStorage.open(path)`."""
        self._conn: Database | None = conn
        self._path = path
        self._lock_wait = lock_wait
        self._lock: asyncio.Lock | None = None
        self._ranks = RankCache()
        self.read_only = False
        """True when this process may read the file but not write it (nor its folder)."""

    @classmethod
    async def open(
        cls,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 0.05,
        lock_wait: float = 60.0,
    ) -> SqliteStorage:
        """Open the file, creating it and bringing its schema up to date.

        A lock another process holds is waited for up to `lock_wait` seconds in
        all, in attempts that each wait at most `busy_timeout` inside SQLite
        (holding the event loop) with sleeps between them (not holding it).
        """
        where = Path(path)
        try:
            conn = await connect(where, busy_timeout, lock_wait)
        except StorageError as exc:
            if not _only_readable(where, exc.__cause__):
                raise
            return cls._reader(await connect_read_only(where), where, lock_wait)
        try:
            await migrate(conn, where, lock_wait)
        except BaseException as exc:
            conn.close()
            if _only_readable(where, exc):
                return cls._reader(await connect_read_only(where), where, lock_wait)
            if isinstance(exc, sqlite3.Error):
                raise _storage_error(where, exc) from exc
            raise
        return cls(conn, where, lock_wait=lock_wait)

    @classmethod
    def _reader(cls, conn: Database, path: Path, lock_wait: float) -> SqliteStorage:
        storage = cls(conn, path, lock_wait=lock_wait)
        storage.read_only = True
        return storage

    @property
    def path(self) -> Path:
        return self._path

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[SqliteUnitOfWork]:
        """Reads see one snapshot; writes hold the write lock from the start."""
        if write and self.read_only:
            raise StorageError(
                f"the Orchestron database {self._path} is read-only here: you may read it, "
                "but changing it needs write access to the file and its folder"
            )
        async with self._one_at_a_time():
            conn = self._open_conn()
            try:
                await begin(conn, write, self._path, self._lock_wait)
            except BaseException as exc:
                await _rollback(conn)
                if isinstance(exc, sqlite3.Error):
                    raise _storage_error(self._path, exc) from exc
                raise
            try:
                yield SqliteUnitOfWork(conn, self._ranks, write=write)
            except BaseException as exc:
                # Never suspends (see _db), so a cancellation cannot cut it short.
                await _rollback(conn)
                if isinstance(exc, sqlite3.Error):
                    raise _storage_error(self._path, exc) from exc
                raise
            try:
                await conn.execute("COMMIT")
            except sqlite3.Error as exc:
                await _rollback(conn)
                raise _storage_error(self._path, exc) from exc

    @asynccontextmanager
    async def _one_at_a_time(self) -> AsyncIterator[None]:
        # Without asyncio imported no event loop runs, so nothing else can hold a turn.
        if self._lock is None and "asyncio" not in sys.modules:
            yield
            return
        if self._lock is None:
            import asyncio

            self._lock = asyncio.Lock()
        async with self._lock:
            yield

    def _open_conn(self) -> Database:
        if self._conn is None:
            raise StorageError(f"the Orchestron database {self._path} was closed")
        return self._conn

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


def _only_readable(path: Path, exc: BaseException | None) -> bool:
    """The file is there, but SQLite may not write it or its folder: open it to read."""
    return exc is not None and is_read_only(exc) and path.is_file()


async def _rollback(conn: Database) -> None:
    # SQLite may already have ended the transaction (some errors do); then nothing is left.
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            await conn.execute("ROLLBACK")


def _storage_error(path: Path, exc: sqlite3.Error) -> OrchestronError:
    if is_busy(exc):
        return StorageError(
            f"the Orchestron database {path} is busy with another process; try again",
            retryable=True,
        )
    return StorageError(f"the Orchestron database {path} failed: {exc}")
