"""What every use case shares: the ports, the caller, and the unit of work.

A service is a plain class of one area's use cases. It is built over one
`Ports` (the ports, the settings, the rules and the message bus, shared by
every service of one facade) and one `Caller` (who acts, and for which agent
session). Services that need another area's use cases are given that service
when they are built (`bootstrap.Services`), and reactions across areas
go through the bus, never through overridden methods.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import anyio
from attrs import define, field, frozen

from orchestron.core.domain.enums import SessionStatus
from orchestron.core.domain.event import Event
from orchestron.core.domain.human import Notification
from orchestron.core.domain.ids import parse_id
from orchestron.core.domain.rules import RuleSet
from orchestron.core.domain.session import Session
from orchestron.core.domain.task import Task, format_id
from orchestron.core.errors import NotFoundError
from orchestron.core.ports import Clock, Embedder, Notifier, Storage, TaskFilter, UnitOfWork
from orchestron.core.services.bus import MessageBus
from orchestron.core.services.events import Committed, SessionWrappingUp
from orchestron.core.services.settings import Settings

__all__ = [
    "Caller",
    "OutboxState",
    "Ports",
    "Service",
    "Settings",
    "Work",
    "let_go",
    "normalise_id",
]


@frozen
class Caller:
    """Who acts: the actor named in the event log, and the agent session acted for.

    With a session, writes to a task another live session holds are refused and
    nothing can be forced; with none (a person at the CLI or the dashboard) they
    are allowed, and the holder is told.
    """

    actor: str = "human"
    session: str | None = None


@define
class OutboxState:
    """What this process is sending now: one sweep at a time, no item sent twice."""

    in_flight: set[int] = field(factory=set)
    _lock: anyio.Lock | None = None

    @property
    def lock(self) -> anyio.Lock:
        if self._lock is None:  # made on first use, inside the event loop
            self._lock = anyio.Lock()
        return self._lock


@frozen
class Ports:
    """The ports and the project's settings and rules, shared by every service."""

    storage: Storage
    clock: Clock
    notifier: Notifier | None = None
    settings: Settings = field(factory=Settings)
    rules: RuleSet = field(factory=RuleSet)
    # Texts to vectors of meaning, for memory; None: memory is judged by words alone.
    embedder: Embedder | None = None
    bus: MessageBus = field(factory=MessageBus)
    outbox: OutboxState = field(factory=OutboxState)


@define
class Work:
    """One unit of work plus the events and notifications it will record."""

    tx: UnitOfWork
    now: datetime
    actor: str
    # Where this unit of work's domain events go (the context's bus).
    bus: MessageBus
    events: list[Event] = field(factory=list)
    # What this unit of work put in the outbox (id, notification): sent right
    # after the commit, without reading it back.
    queued: list[tuple[int, Notification]] = field(factory=list)

    def emit(self, entity: str, kind: str, **data: Any) -> None:
        self.events.append(
            Event(at=self.now, actor=self.actor, entity=entity, kind=kind, data=data)
        )

    async def publish(self, event: object) -> None:
        """Hand a domain event to its handlers, in this unit of work."""
        await self.bus.publish(self, event)

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


class Service:
    """The base of every service: its context, its caller, and units of work over them."""

    def __init__(self, ports: Ports, caller: Caller | None = None) -> None:
        self.ports = ports
        self.caller = caller or Caller()

    @property
    def settings(self) -> Settings:
        return self.ports.settings

    @property
    def rules(self) -> RuleSet:
        return self.ports.rules

    @property
    def embedder(self) -> Embedder | None:
        return self.ports.embedder

    @property
    def actor(self) -> str:
        return self.caller.actor

    @property
    def caller_session(self) -> str | None:
        return self.caller.session

    @asynccontextmanager
    async def _write(self, actor: str | None = None) -> AsyncIterator[Work]:
        ports = self.ports
        async with ports.storage.transaction(write=True) as tx:
            work = Work(tx=tx, now=ports.clock.now(), actor=actor or self.actor, bus=ports.bus)
            await _reap_lapsed(work)
            yield work
            await work.flush()
        await ports.bus.publish(work, Committed(tuple(work.queued)))

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[Work]:
        ports = self.ports
        async with ports.storage.transaction(write=False) as tx:
            now = ports.clock.now()
            if getattr(ports.storage, "read_only", False) or not await tx.sessions.lapsed(now):
                yield Work(tx=tx, now=now, actor=self.actor, bus=ports.bus)
                return
        # A lapsed lease is judged on read too: reap it first, so what the reader
        # sees (a crashed agent's task back in TODO) matches what a write would see.
        async with self._write():
            pass
        async with ports.storage.transaction(write=False) as tx:
            yield Work(tx=tx, now=ports.clock.now(), actor=self.actor, bus=ports.bus)


async def _reap_lapsed(work: Work) -> None:
    """Sessions whose lease lapsed become ABANDONED and let go of their tasks."""
    lapsed = await work.tx.sessions.lapsed(work.now)
    if not lapsed:
        return
    caller, work.actor = work.actor, "orchestron"  # the reaping is no caller's doing
    try:
        for session in lapsed:
            await work.tx.sessions.update(
                session.changed(status=SessionStatus.ABANDONED, ended_at=session.lease_expires)
            )
            released = await let_go(work, session, "lease lapsed")
            work.emit(session.id, "session.abandoned", agent=session.agent_id, released=released)
            # A crashed agent's decisions are kept as an ended session's would be.
            await work.publish(SessionWrappingUp(session.id))
    finally:
        work.actor = caller


async def let_go(work: Work, session: Session, reason: str) -> list[str]:
    """Release what a session that is no longer live held; ids released.

    The tasks keep their status: one in progress stays IN_PROGRESS with nobody
    on it, which is what makes it the next agent's first offer (`unfinished`),
    with its saved context and this reason.
    """
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
