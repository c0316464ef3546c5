"""One unit of work: the repositories over the storage's connection."""

from __future__ import annotations

from collections.abc import Sequence

from orchestron.core.domain.event import Event
from orchestron.core.domain.task import Task
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
from orchestron.sqlite._bulk import bulk_load
from orchestron.sqlite._db import Database
from orchestron.sqlite._deps import SqliteDeps
from orchestron.sqlite._memory import SqliteMemory
from orchestron.sqlite._repos import (
    SqliteContexts,
    SqliteEvents,
    SqliteHandoffs,
    SqliteMessages,
    SqliteOutbox,
    SqliteRequests,
    SqliteSessions,
    SqliteSprints,
)
from orchestron.sqlite._table import fetch_one
from orchestron.sqlite._tasks import RankCache, SqliteTasks

__all__ = ["SqliteUnitOfWork"]


class SqliteUnitOfWork:
    """Repositories over one transaction; the storage begins and ends it."""

    def __init__(self, conn: Database, ranks: RankCache, *, write: bool) -> None:
        self._conn = conn
        self.tasks: TaskRepository = SqliteTasks(conn, ranks, write=write)
        self.deps: DependencyRepository = SqliteDeps(conn)
        self.sprints: SprintRepository = SqliteSprints(conn)
        self.sessions: SessionRepository = SqliteSessions(conn)
        self.contexts: ContextRepository = SqliteContexts(conn)
        self.handoffs: HandoffRepository = SqliteHandoffs(conn)
        self.requests: RequestRepository = SqliteRequests(conn)
        self.messages: MessageRepository = SqliteMessages(conn)
        self.events: EventLog = SqliteEvents(conn)
        self.outbox: Outbox = SqliteOutbox(conn)
        self.memory: MemoryRepository = SqliteMemory(conn)

    async def bulk_load(
        self,
        *,
        tasks: Sequence[Task] = (),
        dependencies: Sequence[tuple[str, str]] = (),
        events: Sequence[Event] = (),
    ) -> None:
        """Many rows in a few round trips, for imports and benchmarks (not part of the port).

        Tasks first, then dependencies (task, prerequisite), then events. Counters
        move past the loaded ids. Unknown tasks raise NotFoundError, a taken id
        ConflictError, edges that form a cycle CycleError; the unit of work then
        rolls back as usual.
        """
        await bulk_load(self._conn, tasks, dependencies, events)

    async def next_number(self, prefix: str) -> int:
        row = await fetch_one(
            self._conn,
            "INSERT INTO counters (prefix, value) VALUES (?, 1)"
            " ON CONFLICT (prefix) DO UPDATE SET value = value + 1 RETURNING value",
            [prefix],
        )
        return int(row[0])
