"""Moving a project between stores (SQLite <-> PostgreSQL) through the Storage port.

`copy_store(src, dst)` reads every repository of `src` in one read unit of
work and writes it into an empty `dst` in one write unit of work, so the copy
is all or nothing. Objects keep their ids and versions, events keep their
sequence numbers, saved contexts their ids, and the id counters their values.
`snapshot(storage)` gives everything a store holds as JSON-ready data; two
stores hold the same project when their snapshots are equal.

Counters: a store that offers `counters()` on its unit of work (PostgreSQL)
is read exactly; otherwise each counter is taken as the highest number used by
an id with that prefix. A store that offers `set_counter()` is written
directly; otherwise `next_number()` is called up to the value. Outbox: the
notifications still waiting to be sent are copied (as new, unsent items);
delivered ones and delivery attempts are bookkeeping and stay behind. Memory
entries keep their ids, versions and provenance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from attrs import frozen

from orchestron.core.domain.task import parse_number
from orchestron.core.errors import ForbiddenError, StorageError
from orchestron.core.ports import MemoryFilter, Storage, TaskFilter, UnitOfWork
from orchestron.core.serialize import to_jsonable

__all__ = ["CopyReport", "copy_store", "snapshot"]

_NUMBERED = re.compile(r"^([A-Z][A-Z_]*)-(\d+)$")  # TASK-001, SPRINT-002, ... (not uuids)
_MAX_STEPPED = 1_000_000


@frozen
class CopyReport:
    """What a copy carried, by kind."""

    counts: dict[str, int]

    def describe(self) -> str:
        return ", ".join(f"{n} {kind}" for kind, n in self.counts.items())


async def _read_all(tx: UnitOfWork) -> dict[str, Any]:
    tasks = await tx.tasks.list(TaskFilter())
    sprints = await tx.sprints.list()
    handoffs = await tx.handoffs.list()
    requests = await tx.requests.list()
    messages = await tx.messages.list()
    sessions = await tx.sessions.list()
    state: dict[str, Any] = {
        "tasks": tasks,
        "dependencies": await tx.deps.all(),
        "sprints": sprints,
        "sessions": sorted(sessions, key=lambda s: (s.started_at, s.id)),
        "contexts": await tx.contexts.all(),
        "handoffs": sorted(handoffs, key=lambda h: (h.created_at, _num(h.id), h.id)),
        "requests": requests,
        "messages": messages,
        "events": await tx.events.list(),
        "outbox": [item.notification for item in await tx.outbox.pending(limit=1_000_000)],
        "memory": await tx.memory.list(MemoryFilter()),
    }
    groups: tuple[list[Any], ...] = (
        tasks,
        sprints,
        sessions,
        handoffs,
        requests,
        messages,
        state["memory"],
    )
    ids = [x.id for group in groups for x in group]
    state["counters"] = await _counters(tx, ids)
    return state


def _num(ident: str) -> int:
    return parse_number(ident) or 0


async def _counters(tx: UnitOfWork, ids: Iterable[str]) -> dict[str, int]:
    exact = getattr(tx, "counters", None)
    if exact is not None:
        found: dict[str, int] = await exact()
        return found
    inferred: dict[str, int] = {}
    for ident in ids:
        match = _NUMBERED.match(ident)
        if match:
            prefix, number = match[1], int(match[2])
            inferred[prefix] = max(inferred.get(prefix, 0), number)
    return dict(sorted(inferred.items()))


async def snapshot(storage: Storage) -> dict[str, Any]:
    """Everything `storage` holds, as JSON-ready data in a stable order."""
    async with storage.transaction(write=False) as tx:
        state = await _read_all(tx)
    return {key: to_jsonable(value) for key, value in state.items()}


async def _check_empty(tx: UnitOfWork) -> None:
    filled = []
    if await tx.tasks.count(TaskFilter()):
        filled.append("tasks")
    if await tx.sprints.list():
        filled.append("sprints")
    if await tx.sessions.list(limit=1):
        filled.append("sessions")
    if await tx.events.last_seq():
        filled.append("events")
    if await tx.memory.count(MemoryFilter()):
        filled.append("memory entries")
    if filled:
        raise ForbiddenError(
            f"the destination store already holds {', '.join(filled)}; "
            "copy into an empty store (a new database or file)"
        )


async def copy_store(src: Storage, dst: Storage) -> CopyReport:
    """Copy every repository of `src` into the empty store `dst`, as one transaction."""
    async with src.transaction(write=False) as rtx:
        state = await _read_all(rtx)
    async with dst.transaction(write=True) as tx:
        await _check_empty(tx)
        # A store may offer batch inserts (PostgreSQL does: a round trip per row adds up).
        add_tasks = getattr(tx, "add_tasks", None)
        add_edges = getattr(tx, "add_edges", None)
        if add_tasks is not None and add_edges is not None:
            await add_tasks(state["tasks"])
            await add_edges(state["dependencies"])
        else:
            for task in state["tasks"]:
                await tx.tasks.add(task)
            for task_id, depends_on in state["dependencies"]:
                await tx.deps.add(task_id, depends_on)
        for sprint in state["sprints"]:
            await tx.sprints.add(sprint)
        for session in state["sessions"]:
            await tx.sessions.add(session)
        for record in state["contexts"]:
            stored = await tx.contexts.add(record)
            _same("context", record.id, stored.id)
        for handoff in state["handoffs"]:
            await tx.handoffs.add(handoff)
        for request in state["requests"]:
            await tx.requests.add(request)
        for message in state["messages"]:
            await tx.messages.add(message)
        for event in state["events"]:
            appended = await tx.events.append(event)
            _same("event", event.seq, appended.seq)
        for notification in state["outbox"]:
            await tx.outbox.add(notification)
        for entry in state["memory"]:
            await tx.memory.add(entry)
        await _restore_counters(tx, state["counters"])
    return CopyReport(
        counts={
            kind: len(state[kind])
            for kind in (
                "tasks",
                "dependencies",
                "sprints",
                "sessions",
                "contexts",
                "handoffs",
                "requests",
                "messages",
                "events",
                "outbox",
                "memory",
            )
        }
    )


def _same(kind: str, want: int | None, got: int | None) -> None:
    if want != got:
        raise StorageError(
            f"copy stopped: the source's {kind} numbers have gaps ({kind} {want} would become "
            f"{got}); nothing was written"
        )


async def _restore_counters(tx: UnitOfWork, counters: dict[str, int]) -> None:
    direct = getattr(tx, "set_counter", None)
    for prefix, value in counters.items():
        if direct is not None:
            await direct(prefix, value)
            continue
        if value > _MAX_STEPPED:
            raise StorageError(
                f"copy stopped: counter {prefix} is at {value}, too far to step the destination "
                "to; nothing was written"
            )
        current = 0
        while current < value:
            current = await tx.next_number(prefix)
