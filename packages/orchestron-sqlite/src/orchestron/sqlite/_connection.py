"""One configured connection: pragmas, lock waits, migrations."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from orchestron.core.errors import StorageError
from orchestron.sqlite._codec import lower
from orchestron.sqlite._db import Database
from orchestron.sqlite._schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

__all__ = ["begin", "connect", "connect_read_only", "is_busy", "is_read_only", "migrate"]

_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def is_busy(exc: BaseException) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED, in any of their extended forms."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return (code & 0xFF) in _BUSY_CODES
    text = str(exc)
    return "locked" in text or "busy" in text


def is_read_only(exc: BaseException) -> bool:
    """SQLITE_READONLY: the file or its folder cannot be written by this process."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and (code & 0xFF) == sqlite3.SQLITE_READONLY


async def connect_read_only(path: Path) -> Database:
    """A read-only connection to an up-to-date database in a place this process cannot write.

    Without write access to the folder SQLite cannot make the -shm file a WAL
    database needs to be read; when none exists no writer is running, so the
    file is read as immutable.
    """
    for mode in ("ro", "immutable"):
        try:
            conn = Database(path, read_only=mode)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open the Orchestron database {path}: {exc}") from exc
        try:
            version = await _check(conn, path)
        except sqlite3.OperationalError as exc:
            conn.close()
            if mode == "ro" and (is_read_only(exc) or "unable to open" in str(exc)):
                continue
            raise StorageError(f"cannot open the Orchestron database {path}: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        if version < SCHEMA_VERSION:
            conn.close()
            raise StorageError(
                f"the Orchestron database {path} needs upgrading to schema version "
                f"{SCHEMA_VERSION}, which needs write access to it and its folder; "
                "run Orchestron once as a user who can write there"
            )
        conn.create_function("orc_lower", 1, lower)
        return conn
    raise AssertionError("unreachable")  # the immutable attempt returns or raises


async def connect(path: Path, busy_timeout: float, lock_wait: float) -> Database:
    """Open and configure one connection; the caller migrates it."""
    try:
        conn = Database(path)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open the Orchestron database {path}: {exc}") from exc
    try:
        # busy_timeout first: switching to WAL needs a lock another process may hold.
        await conn.execute(f"PRAGMA busy_timeout = {max(0, int(busy_timeout * 1000))}")
        await _retry_busy(conn, "PRAGMA journal_mode = WAL", path, lock_wait)
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        conn.create_function("orc_lower", 1, lower)
    except BaseException as exc:
        conn.close()
        if isinstance(exc, sqlite3.Error):
            raise StorageError(f"cannot open the Orchestron database {path}: {exc}") from exc
        raise
    return conn


async def _retry_busy(conn: Database, sql: str, path: Path, lock_wait: float) -> None:
    """Run `sql`, waiting out other processes' locks for up to `lock_wait` seconds.

    SQLite's busy_timeout waits (briefly, holding the event loop) inside each
    attempt; between attempts this loop sleeps without holding it, and covers
    the cases where SQLite gives up at once (a lock upgrade, a WAL reset).
    """
    deadline = time.monotonic() + lock_wait
    delay = 0.001
    while True:
        try:
            await conn.execute(sql)
            return
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            left = deadline - time.monotonic()
            if left <= 0:
                raise StorageError(
                    f"the Orchestron database {path} stayed locked by another process for "
                    f"{lock_wait:g} s; try again, and if it keeps happening look for a process "
                    "that holds a transaction open on it",
                    retryable=True,
                ) from exc
            await _pause(min(delay, left))
            delay = min(delay * 2, 0.05)


async def _pause(seconds: float) -> None:
    """Sleep on the event loop; a command run without one (see `SqliteStorage`) just sleeps."""
    import asyncio  # only a wait for another process's lock pays for it

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        time.sleep(seconds)  # noqa: ASYNC251 (no loop runs here to sleep on)
        return
    await asyncio.sleep(seconds)


async def begin(conn: Database, write: bool, path: Path, lock_wait: float) -> None:
    """IMMEDIATE for writes, so the write lock is taken now and never upgraded later."""
    if write:
        await _retry_busy(conn, "BEGIN IMMEDIATE", path, lock_wait)
    else:
        await conn.execute("BEGIN DEFERRED")


async def migrate(conn: Database, path: Path, lock_wait: float) -> int:
    """Bring the file to SCHEMA_VERSION; refuse a newer or foreign one. Returns the old version."""
    await begin(conn, True, path, lock_wait)
    try:
        found = await _check(conn, path)
        for step in MIGRATIONS[found:]:
            for statement in step.statements:
                await conn.execute(statement)
        if found < SCHEMA_VERSION:
            await conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            await conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        await conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            await conn.execute("ROLLBACK")
        raise
    return found


async def _check(conn: Database, path: Path) -> int:
    version = await _pragma(conn, "user_version")
    app = await _pragma(conn, "application_id")
    if app not in (0, APPLICATION_ID):
        raise StorageError(f"{path} is not an Orchestron database (application_id {app:#x})")
    if version == 0:
        rows = await conn.execute_fetchall("SELECT count(*) FROM sqlite_schema")
        tables = next(iter(rows))[0]
        if tables:
            raise StorageError(
                f"{path} holds another program's tables; point Orchestron at a new file"
            )
    if version > SCHEMA_VERSION:
        raise StorageError(
            f"the Orchestron database {path} has schema version {version}, but this "
            f"Orchestron knows schema versions up to {SCHEMA_VERSION}; it was written by a "
            "newer Orchestron. Upgrade Orchestron (the same way it was installed: see "
            "docs/install.md in the Orchestron repository) to open it; nothing was changed"
        )
    return version


async def _pragma(conn: Database, name: str) -> int:
    rows = await conn.execute_fetchall(f"PRAGMA {name}")
    return int(next(iter(rows))[0])
