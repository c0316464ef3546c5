"""PostgresStorage: units of work over a pool, serialised writes, no lost commits.

Concurrency. Every write unit of work starts with `pg_advisory_xact_lock` on
one key per schema, so write transactions run one at a time, like SQLite's
BEGIN IMMEDIATE: a claim reads and writes with nobody in between, versions are
checked against settled rows, and event numbers are gapless and in commit
order. READ COMMITTED then never meets a serialization failure or a deadlock
between Orchestron writers. Read units of work run REPEATABLE READ READ ONLY
(one snapshot, no lock, never a serialization failure).

Failures. The unit of work is a context manager around the caller's code, so
the adapter cannot re-run that code; it retries where it can: acquiring a
connection and BEGIN (with back-off, for `retry_seconds`), and an interrupted
COMMIT, whose outcome it settles by asking the server for the transaction's
status (`pg_xact_status`) once it can reach it again: committed means success,
anything else a retryable StorageError. A failure inside the caller's code
rolls back and surfaces as a retryable StorageError naming host:port.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeAlias, TypeVar

import asyncpg

from orchestron.core.domain.task import Task
from orchestron.core.errors import StorageError
from orchestron.core.ports import (
    ContextRepository,
    DependencyRepository,
    EventLog,
    HandoffRepository,
    MemoryRepository,
    MessageRepository,
    Outbox,
    RequestRepository,
    SessionRepository,
    SprintRepository,
    TaskRepository,
)
from orchestron.postgres._db import Db
from orchestron.postgres._errors import DRIVER_ERRORS, is_transient, translate
from orchestron.postgres._graph import GraphCache
from orchestron.postgres._human import PgEvents, PgMessages, PgOutbox, PgRequests
from orchestron.postgres._memory import PgMemory
from orchestron.postgres._schema import MIGRATIONS, SCHEMA_VERSION, check_version
from orchestron.postgres._sessions import PgContexts, PgHandoffs, PgSessions, PgSprints
from orchestron.postgres._settings import PgSettings, parse_url
from orchestron.postgres._tasks import PgDeps, PgTasks

__all__ = ["PgUnitOfWork", "PostgresStorage"]

T = TypeVar("T")
_Conn: TypeAlias = "asyncpg.pool.PoolConnectionProxy[asyncpg.Record]"
_DRIVER_ERRORS = DRIVER_ERRORS


class PgUnitOfWork:
    """The repositories over one transaction."""

    def __init__(self, db: Db, graph: GraphCache) -> None:
        self._db = db
        self._tasks = PgTasks(db, graph)
        self._deps = PgDeps(db, graph)
        self.tasks: TaskRepository = self._tasks
        self.deps: DependencyRepository = self._deps
        self.sprints: SprintRepository = PgSprints(db)
        self.sessions: SessionRepository = PgSessions(db)
        self.contexts: ContextRepository = PgContexts(db)
        self.handoffs: HandoffRepository = PgHandoffs(db)
        self.requests: RequestRepository = PgRequests(db)
        self.messages: MessageRepository = PgMessages(db)
        self.events: EventLog = PgEvents(db)
        self.outbox: Outbox = PgOutbox(db)
        self.memory: MemoryRepository = PgMemory(db)

    async def next_number(self, prefix: str) -> int:
        value: int = await self._db.fetchval(
            "INSERT INTO counters (prefix, value) VALUES ($1, 1) "
            "ON CONFLICT (prefix) DO UPDATE SET value = counters.value + 1 RETURNING value",
            prefix,
        )
        return value

    async def add_tasks(self, tasks: Sequence[Task]) -> None:
        """Bulk path for copying a store: many tasks in one round trip."""
        await self._tasks.add_many(tasks)

    async def add_edges(self, edges: Sequence[tuple[str, str]]) -> None:
        """Bulk path for copying a store: many edges in one round trip."""
        await self._deps.add_many(edges)

    async def counters(self) -> dict[str, int]:
        """Every sequence and its last number (for copying a store)."""
        rows = await self._db.fetch("SELECT prefix, value FROM counters ORDER BY prefix")
        return {r[0]: int(r[1]) for r in rows}

    async def set_counter(self, prefix: str, value: int) -> None:
        """Set a sequence's last number (for copying a store into this one)."""
        await self._db.execute(
            "INSERT INTO counters (prefix, value) VALUES ($1, $2) "
            "ON CONFLICT (prefix) DO UPDATE SET value = $2",
            prefix,
            value,
        )


class PostgresStorage:
    """The Storage port on PostgreSQL. Open with `await PostgresStorage.open(url)`."""

    def __init__(self, pool: asyncpg.Pool[asyncpg.Record], settings: PgSettings) -> None:
        self._pool = pool
        self.settings = settings
        self._graph = GraphCache()
        high, low = settings.lock_key
        self._begin_write = (
            f"BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({high}, {low})"
        )

    @classmethod
    async def open(cls, url: str | None, *, migrate: bool = True) -> PostgresStorage:
        """Connect (with the URL's pool and timeouts) and bring the schema up to date."""
        if not url:
            raise StorageError("a PostgreSQL store needs a postgresql:// URL")
        settings = parse_url(url)
        pool = await _retrying(settings, lambda: _create_pool(settings))
        storage = cls(pool, settings)
        try:
            if migrate:
                await _retrying(settings, storage._migrate)
        except BaseException:
            await storage.close()
            raise
        return storage

    @property
    def where(self) -> str:
        return self.settings.where

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self._pool.close(), timeout=self.settings.command_timeout)
        except _DRIVER_ERRORS:  # the pool did not close cleanly in time: drop its connections
            self._pool.terminate()

    async def schema_version(self) -> int:
        async with self._pool.acquire() as conn:
            return await _read_version(conn)

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[PgUnitOfWork]:
        conn = await _retrying(self.settings, lambda: self._begin(write))
        db = Db(conn, self.settings.where, write=write)
        try:
            try:
                yield PgUnitOfWork(db, self._graph)
                xid = await db.transaction_id() if write else None
            except BaseException as exc:
                await self._rollback(conn)
                if isinstance(exc, _DRIVER_ERRORS):
                    raise translate(exc, self.where) from exc
                raise
            await self._commit(conn, xid)
            if db.graph_diff and xid is not None:
                self._graph.committed(db.graph_base, xid, db.graph_diff, db.local_graph)
        finally:
            await self._release(conn)

    async def _begin(self, write: bool) -> _Conn:
        conn = await self._pool.acquire(timeout=self.settings.connect_timeout)
        try:
            if write:  # one round trip: BEGIN and wait for the write lock
                await conn.execute(self._begin_write)
            else:
                await conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return conn
        except BaseException:
            await self._rollback(conn)
            await self._release(conn)
            raise

    async def _send_commit(self, conn: _Conn) -> None:
        await conn.execute("COMMIT")

    async def _commit(self, conn: _Conn, xid: str | None) -> None:
        try:
            await self._send_commit(conn)
        except _DRIVER_ERRORS as exc:
            if xid is None or not is_transient(exc):
                raise translate(exc, self.where) from exc
            _drop(conn)
            fate = await self._settle(xid, exc)
            if fate == "committed":
                return
            if fate == "aborted":
                raise StorageError(
                    f"PostgreSQL at {self.where} is unreachable: {exc}; "
                    "nothing was committed; retry",
                    retryable=True,
                ) from exc
            raise _unknown_outcome(self.where, exc) from exc

    async def _settle(self, xid: str, cause: BaseException) -> str | None:
        """The fate of a transaction whose COMMIT was cut off: ask the server again."""

        async def ask() -> str | None:
            async with self._pool.acquire(timeout=self.settings.connect_timeout) as conn:
                status: str | None = await conn.fetchval(
                    "SELECT pg_xact_status($1::text::xid8)", xid
                )
                if status == "in progress":  # the server has not noticed we left yet
                    raise TimeoutError("the interrupted transaction is still in progress")
                return status

        try:
            return await _retrying(self.settings, ask)
        except StorageError as exc:
            raise _unknown_outcome(self.where, cause) from exc

    async def _rollback(self, conn: _Conn) -> None:
        if not _usable(conn):
            return
        try:
            await asyncio.shield(conn.execute("ROLLBACK"))
        except _DRIVER_ERRORS:
            _drop(conn)
        except asyncio.CancelledError:
            _drop(conn)
            raise

    async def _release(self, conn: _Conn) -> None:
        with contextlib.suppress(*_DRIVER_ERRORS):
            await self._pool.release(conn)

    async def _migrate(self) -> None:
        schema = self.settings.schema
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.fetchval("SELECT pg_advisory_xact_lock($1, $2)", *self.settings.lock_key)
            if not await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema):
                await conn.execute(f'CREATE SCHEMA "{schema}"')
            found = await _read_version(conn)
            check_version(found, self.where)
            for step in range(found, SCHEMA_VERSION):
                await conn.execute(MIGRATIONS[step])
            if found < SCHEMA_VERSION:
                await conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', $1) "
                    "ON CONFLICT (key) DO UPDATE SET value = $1",
                    str(SCHEMA_VERSION),
                )

    async def listen_events(self) -> AsyncIterator[int]:
        """Sequence numbers of newly committed events, pushed by LISTEN/NOTIFY.

        Yields the seq of each event appended by anyone, as its transaction
        commits. On (re)connection it first yields the current last seq, so a
        reader that fetches `events(after=last_seen)` on each number never
        misses an event, even across a server restart. Numbers are hints:
        they may repeat or arrive out of order; read the log for the events.
        """
        from orchestron.postgres._listen import listen

        async for seq in listen(self.settings):
            yield seq


def _usable(conn: _Conn) -> bool:
    """False once the connection died (the pool then takes it back on its own)."""
    try:
        return not conn.is_closed()
    except asyncpg.InterfaceError:
        return False


def _drop(conn: _Conn) -> None:
    with contextlib.suppress(asyncpg.InterfaceError):
        conn.terminate()


def _unknown_outcome(where: str, cause: BaseException) -> StorageError:
    return StorageError(
        f"PostgreSQL at {where} is unreachable: {cause}; it is unknown whether the last "
        "change was committed; check, then retry",
        retryable=True,
    )


async def _read_version(conn: Any) -> int:
    exists = await conn.fetchval("SELECT to_regclass('meta') IS NOT NULL")
    if not exists:
        return 0
    value = await conn.fetchval("SELECT value FROM meta WHERE key = 'schema_version'")
    return int(value) if value is not None else 0


async def _create_pool(settings: PgSettings) -> asyncpg.Pool[asyncpg.Record]:
    return await asyncpg.create_pool(
        settings.dsn,
        min_size=settings.pool_min,
        max_size=settings.pool_max,
        timeout=settings.connect_timeout,
        command_timeout=settings.command_timeout,
        server_settings=settings.server_settings,
        reset=_reset,
        max_inactive_connection_lifetime=60.0,
    )


async def _reset(conn: asyncpg.Connection[asyncpg.Record]) -> None:
    # Every unit of work ends its own transaction, and nothing sets session state,
    # so skip asyncpg's default reset (a round trip per unit of work).
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


async def _retrying(settings: PgSettings, attempt: Callable[[], Awaitable[T]]) -> T:
    """Run `attempt` until it succeeds, fails for good, or `retry_seconds` run out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.retry_seconds
    delay = 0.05
    while True:
        try:
            return await attempt()
        except _DRIVER_ERRORS as exc:
            if not is_transient(exc) or loop.time() + delay > deadline:
                raise translate(exc, settings.where) from exc
        await asyncio.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 1.0)
