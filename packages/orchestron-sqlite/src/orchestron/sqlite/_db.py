"""The connection the repositories await: sqlite3 run on the event loop's own thread.

A statement on an indexed table takes microseconds; handing each one to a
worker thread (as aiosqlite does) cost 0.1–0.2 ms of wake-ups per statement,
which was most of a tool call's time. Running inline also means a statement
can never be cancelled halfway: none of these coroutines suspends, so a
rollback started after a cancellation always runs to its end.

Waiting for another process's write lock is the one slow thing; the storage
keeps SQLite's own wait short (`busy_timeout`) and waits longer with
`asyncio.sleep` between attempts, so the event loop is never held for long.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeAlias

__all__ = ["Database", "Params"]

Params: TypeAlias = Sequence[Any] | Mapping[str, Any]


class Database:
    """One sqlite3 connection in autocommit mode; transactions are explicit SQL."""

    def __init__(self, path: Path, *, read_only: str = "") -> None:
        """`read_only`: "" opens for writing; "ro" read-only; "immutable" read-only with no
        locking (for a WAL file whose folder cannot hold the -shm file it needs)."""
        if not read_only:
            self._conn = sqlite3.connect(path, isolation_level=None)
            return
        query = "mode=ro&immutable=1" if read_only == "immutable" else "mode=ro"
        uri = f"{path.resolve().as_uri()}?{query}"
        self._conn = sqlite3.connect(uri, isolation_level=None, uri=True)

    async def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    async def execute_fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        return self._conn.execute(sql, params).fetchall()

    async def executemany(self, sql: str, rows: Iterable[Params]) -> sqlite3.Cursor:
        return self._conn.executemany(sql, rows)

    def create_function(self, name: str, arity: int, fn: Callable[..., Any]) -> None:
        self._conn.create_function(name, arity, fn, deterministic=True)

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    def close(self) -> None:
        self._conn.close()
