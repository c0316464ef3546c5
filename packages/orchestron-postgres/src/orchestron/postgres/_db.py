"""One connection inside one unit of work, with driver errors translated."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

import asyncpg

from orchestron.core.errors import ConflictError, NotFoundError
from orchestron.postgres._errors import DRIVER_ERRORS, translate
from orchestron.postgres._graph import Graph

__all__ = ["Db", "affected", "already_exists", "raise_stale"]


class _Versioned(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> int: ...


class Db:
    """The repositories' only way to the server: every failure leaves as an OrchestronError."""

    def __init__(
        self, conn: asyncpg.pool.PoolConnectionProxy[asyncpg.Record], where: str, *, write: bool
    ) -> None:
        self.conn = conn
        self.where = where
        self.write = write  # a write unit of work: it holds the write lock
        self.broken = False
        self.graph_touched = False  # the graph version was bumped in this transaction
        self.graph_seen: str | None = None  # the graph version read in this transaction
        self.graph_base = ""  # the graph version this transaction changed
        self.graph_diff: list[tuple[bool, str, str]] = []  # (added?, task, depends_on)
        self.local_graph: Graph | None = None  # our changed graph, private until COMMIT
        self.ranks_stored = False  # downstream counts were stored under that version
        # Write-behind for the event log: appends are numbered here (the write lock
        # makes max + 1 safe) and sent in one batch before the next statement or COMMIT.
        self.xid: str | None = None
        self.last_seq: int | None = None
        self.pending_events: list[tuple[Any, ...]] = []

    def _fail(self, exc: BaseException) -> BaseException:
        self.broken = True
        return translate(exc, self.where)

    async def next_seq(self) -> int:
        """The next event number; the first call also learns this transaction's id."""
        if self.last_seq is None:
            row = await self.fetchrow(
                "SELECT pg_current_xact_id()::text, coalesce(max(seq), 0) FROM events"
            )
            assert row is not None
            self.xid, self.last_seq = row[0], int(row[1])
        self.last_seq += 1
        return self.last_seq

    async def flush(self) -> None:
        if not self.pending_events:
            return
        batch, self.pending_events = self.pending_events, []
        await self._run(
            self.conn.executemany,
            "INSERT INTO events (seq, at, actor, entity, kind, data) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            batch,
        )

    async def transaction_id(self) -> str | None:
        """This transaction's id if it wrote anything (to settle an interrupted COMMIT)."""
        await self.flush()
        if self.xid is None:
            self.xid = await self.fetchval("SELECT pg_current_xact_id_if_assigned()::text")
        return self.xid

    async def _run(self, method: Any, *args: Any) -> Any:
        try:
            return await method(*args)
        except DRIVER_ERRORS as exc:
            raise self._fail(exc) from exc

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        await self.flush()
        result: list[asyncpg.Record] = await self._run(self.conn.fetch, sql, *args)
        return result

    async def fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        await self.flush()
        result: asyncpg.Record | None = await self._run(self.conn.fetchrow, sql, *args)
        return result

    async def fetchval(self, sql: str, *args: Any) -> Any:
        await self.flush()
        result: Any = await self._run(self.conn.fetchval, sql, *args)
        return result

    async def execute(self, sql: str, *args: Any) -> str:
        await self.flush()
        result: str = await self._run(self.conn.execute, sql, *args)
        return result

    async def executemany(self, sql: str, args: Sequence[Sequence[Any]]) -> None:
        await self.flush()
        await self._run(self.conn.executemany, sql, args)


def affected(status: str) -> int:
    """Rows touched, from a command tag such as 'UPDATE 1' or 'INSERT 0 1'."""
    return int(status.rsplit(" ", 1)[-1])


async def raise_stale(
    db: Db, table: str, entity: str, obj: _Versioned, *, with_author: bool = False
) -> None:
    """Raise the reference's ConflictError for a write whose version did not follow on.

    `with_author` reads `updated_by` from the stored JSON (sprints carry one).
    """
    columns = "version, data" if with_author else "version"
    row = await db.fetchrow(f"SELECT {columns} FROM {table} WHERE id = $1", obj.id)
    if row is None:
        raise NotFoundError(entity, obj.id)
    stored_by = json.loads(row["data"]).get("updated_by") if with_author else None
    raise ConflictError.stale(entity, obj.id, obj.version - 1, row["version"], stored_by)


def already_exists(entity: str, ident: str) -> ConflictError:
    return ConflictError(f"{entity} {ident} already exists", entity=entity, ident=ident)
