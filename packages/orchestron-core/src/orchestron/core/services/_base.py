"""What every use case shares: ports, settings, and the unit-of-work helper."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from attrs import define, field, frozen

from orchestron.core.domain.enums import SessionStatus
from orchestron.core.domain.event import Event
from orchestron.core.domain.human import Notification
from orchestron.core.domain.ids import parse_id
from orchestron.core.domain.session import Session
from orchestron.core.domain.task import Task, format_id
from orchestron.core.errors import NotFoundError
from orchestron.core.ports import Clock, Notifier, Storage, UnitOfWork

__all__ = ["ServiceBase", "Settings", "Work"]


@frozen
class Settings:
    """Tunables a project can change in its config."""

    lease_seconds: float = 300.0
    context_budget: int = 4096
    # Bytes of the resume package given to the index of project memory.
    memory_index_budget: int = 800
    auto_complete_parents: bool = True


@define
class Work:
    """One unit of work plus the events and notifications it will record."""

    tx: UnitOfWork
    now: datetime
    actor: str
    events: list[Event] = field(factory=list)
    # What this unit of work put in the outbox (id, notification): sent right
    # after the commit, without reading it back.
    queued: list[tuple[int, Notification]] = field(factory=list)

    def emit(self, entity: str, kind: str, **data: Any) -> None:
        self.events.append(
            Event(at=self.now, actor=self.actor, entity=entity, kind=kind, data=data)
        )

    async def notify(self, notification: Notification) -> None:
        self.queued.append((await self.tx.outbox.add(notification), notification))

    async def new_id(self, prefix: str) -> str:
        return format_id(prefix, await self.tx.next_number(prefix))

    async def task(self, task_id: str) -> Task:
        task = await self.tx.tasks.get(normalise_id(task_id))
        if task is None:
            raise NotFoundError("task", task_id)
        return task

    async def flush(self) -> None:
        for event in self.events:
            await self.tx.events.append(event)
        self.events.clear()


def normalise_id(ident: str, field: str = "id") -> str:
    """Accept `task-7` or `TASK-7` for `TASK-007` (bounded: see `domain.ids`)."""
    return parse_id(ident, field)


class ServiceBase:
    """Holds the ports; use-case mixins build on `_write` and `_read`."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        notifier: Notifier | None = None,
        *,
        settings: Settings | None = None,
        actor: str = "human",
    ) -> None:
        self.storage = storage
        self.clock = clock
        self.notifier = notifier
        self.settings = settings or Settings()
        self.actor = actor
        # The agent session this facade acts for; None for a person (CLI, dashboard).
        # A session may not write to a task another live session holds; a person may.
        self.caller_session: str | None = None

    @asynccontextmanager
    async def _write(self, actor: str | None = None) -> AsyncIterator[Work]:
        async with self.storage.transaction(write=True) as tx:
            work = Work(tx=tx, now=self.clock.now(), actor=actor or self.actor)
            await self._reap_lapsed(work)
            yield work
            await work.flush()
        await self._after_commit(work)

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[Work]:
        async with self.storage.transaction(write=False) as tx:
            now = self.clock.now()
            if getattr(self.storage, "read_only", False) or not await tx.sessions.lapsed(now):
                yield Work(tx=tx, now=now, actor=self.actor)
                return
        # A lapsed lease is judged on read too: reap it first, so what the reader
        # sees (a crashed agent's task back in TODO) matches what a write would see.
        async with self._write():
            pass
        async with self.storage.transaction(write=False) as tx:
            yield Work(tx=tx, now=self.clock.now(), actor=self.actor)

    async def _reap_lapsed(self, work: Work) -> None:
        """Sessions whose lease lapsed become ABANDONED and let go of their tasks."""
        lapsed = await work.tx.sessions.lapsed(work.now)
        if not lapsed:
            return
        caller, work.actor = work.actor, "orchestron"  # the reaping is no caller's doing
        try:
            await self._reap(work, lapsed)
        finally:
            work.actor = caller

    async def _reap(self, work: Work, lapsed: list[Session]) -> None:
        for session in lapsed:
            await work.tx.sessions.update(
                session.changed(status=SessionStatus.ABANDONED, ended_at=session.lease_expires)
            )
            work.emit(session.id, "session.abandoned", agent=session.agent_id)
            await self._let_go(work, session, "lease lapsed")
            # A crashed agent's decisions are kept as an ended session's would be.
            await self._session_wrapping_up(work, session.id)

    async def _let_go(self, work: Work, session: Session, reason: str) -> list[str]:
        """Release what a session that is no longer live held; ids released.

        The tasks keep their status: one in progress stays IN_PROGRESS with nobody
        on it, which is what makes it the next agent's first offer (`unfinished`),
        with its saved context and this reason.
        """
        from orchestron.core.ports import TaskFilter

        released = []
        for task in await work.tx.tasks.list(TaskFilter(claimed_by=session.id)):
            await work.tx.tasks.update(task.changed(work.now, work.actor, claimed_by=None))
            work.emit(
                task.id,
                "task.released",
                session=session.id,
                agent=session.agent_id,
                reason=reason,
                status=task.status.value,
            )
            released.append(task.id)
        return released

    async def _session_wrapping_up(self, work: Work, session_id: str) -> None:
        """Hook for a session that ends or hands off: memory promotes its decisions."""
        return

    async def _after_commit(self, work: Work) -> None:
        """Hook for delivering the outbox once a unit of work has committed."""
        return
