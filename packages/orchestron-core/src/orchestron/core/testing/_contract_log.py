"""Storage contract: events, outbox, counters, and what a unit of work promises."""

from __future__ import annotations

import anyio
import anyio.lowlevel

from orchestron.core.domain.enums import MessageKind, Urgency
from orchestron.core.domain.event import Event
from orchestron.core.domain.handoff import ContextRecord
from orchestron.core.domain.human import Message, Notification
from orchestron.core.domain.task import format_id
from orchestron.core.errors import NotFoundError
from orchestron.core.ports import TaskFilter, UnitOfWork
from orchestron.core.services import Orchestron
from orchestron.core.testing._clock import FixedClock
from orchestron.core.testing._contract_kit import (
    T0,
    Check,
    StorageFactory,
    at,
    commit,
    raises,
    session,
    task,
)

__all__ = ["LOG_CHECKS"]


def _event(entity: str, kind: str, minute: int, **data: object) -> Event:
    return Event(at=at(minute), actor="claude-1", entity=entity, kind=kind, data=dict(data))


async def check_event_log(make: StorageFactory) -> None:
    e1 = _event("TASK-001", "task.created", 1, title="A", labels=["x"], nested={"n": [1, 2]})
    e2 = _event("TASK-002", "task.created", 2, title="B")
    e3 = _event("TASK-001", "task.status_changed", 3, **{"from": "TODO", "to": "DONE"})
    async with make() as storage:
        async with storage.transaction(write=False) as tx:
            assert await tx.events.last_seq() == 0
            assert await tx.events.list() == []
        async with storage.transaction() as tx:
            stored = [await tx.events.append(e) for e in (e1, e2, e3)]
        assert [e.seq for e in stored] == [1, 2, 3]
        assert stored[0].data == e1.data
        async with storage.transaction(write=False) as tx:
            assert await tx.events.last_seq() == 3
            assert await tx.events.list() == stored
            assert [e.seq for e in await tx.events.list(after=1)] == [2, 3]
            assert [e.seq for e in await tx.events.list(entity="TASK-001")] == [1, 3]
            assert [e.seq for e in await tx.events.list(kinds=["task.status_changed"])] == [3]
            assert [e.seq for e in await tx.events.list(limit=2)] == [1, 2]
            only = await tx.events.list(after=1, entity="TASK-001", kinds=["task.status_changed"])
            assert only == [stored[2]]


async def check_outbox(make: StorageFactory) -> None:
    def note(title: str) -> Notification:
        return Notification(
            "request.opened", title, at(1), text="details", urgency=Urgency.HIGH, data={"k": [1]}
        )

    first, second = note("first"), note("second")
    async with make() as storage:
        async with storage.transaction() as tx:
            ids = [await tx.outbox.add(first), await tx.outbox.add(second)]
        assert ids == [1, 2]
        async with storage.transaction() as tx:
            pending = await tx.outbox.pending()
            assert [(p.id, p.notification, p.attempts) for p in pending] == [
                (1, first, 0),
                (2, second, 0),
            ]
            assert pending[0].created_at == first.at
            await tx.outbox.mark_failed(1, "connection refused")
            await tx.outbox.mark_sent(2, at(2))
        async with storage.transaction(write=False) as tx:
            left = await tx.outbox.pending()
            assert [(p.id, p.attempts, p.last_error, p.sent_at) for p in left] == [
                (1, 1, "connection refused", None)
            ]
            assert await tx.outbox.pending(limit=0) == []
        with raises(NotFoundError):
            await commit(storage, lambda tx: tx.outbox.mark_sent(99, at(3)))


async def check_next_number(make: StorageFactory) -> None:
    """Each prefix counts on its own, and the count survives across units of work."""
    async with make() as storage:
        async with storage.transaction() as tx:
            assert [await tx.next_number("TASK") for _ in range(3)] == [1, 2, 3]
            assert await tx.next_number("SPRINT") == 1
        async with storage.transaction() as tx:
            assert await tx.next_number("TASK") == 4


async def check_failed_unit_of_work_leaves_nothing(make: StorageFactory) -> None:
    """An exception inside transaction() undoes every write of that unit of work."""
    base = task("TASK-001")

    async def everything(tx: UnitOfWork) -> None:
        await tx.next_number("TASK")
        await tx.tasks.add(task("TASK-002"))
        await tx.tasks.update(base.changed(at(1), "claude-1", title="changed"))
        await tx.deps.add("TASK-002", "TASK-001")
        await tx.events.append(_event("TASK-002", "task.created", 1))
        await tx.outbox.add(Notification("x", "x", at(1)))
        await tx.sessions.add(session("S-1", "claude-1", lease=at(5)))
        await tx.contexts.add(ContextRecord("S-1", "claude-1", at(1), {"a": 1}))
        await tx.messages.add(Message("MSG-1", MessageKind.NOTICE, "hi", "human", at(1)))
        await tx.messages.mark_delivered(["MSG-1"], to="S-1", via="tool", at=at(1))
        raise RuntimeError("boom")

    async with make() as storage:
        async with storage.transaction() as tx:
            await tx.next_number("TASK")
            await tx.tasks.add(base)
            await tx.events.append(_event("TASK-001", "task.created", 0))
        with raises(RuntimeError):
            await commit(storage, everything)
        async with storage.transaction() as tx:
            assert await tx.tasks.list(TaskFilter()) == [base]
            assert await tx.deps.all() == []
            assert await tx.events.last_seq() == 1
            assert await tx.outbox.pending() == []
            assert await tx.sessions.list() == []
            assert await tx.contexts.all() == []
            assert await tx.messages.list() == []
            assert await tx.next_number("TASK") == 2


async def check_failed_use_case_writes_nothing(make: StorageFactory) -> None:
    """Bad input through the use case: a typed error, and no task, event or id used up."""
    async with make() as storage:
        orch = Orchestron(storage, FixedClock(T0))
        first = await orch.create_task("first")
        with raises(NotFoundError):
            await orch.create_task("second", depends_on=["TASK-404"])
        assert [t.id for t in await orch.list_tasks()] == [first.id]
        assert [e.kind for e in await orch.events()] == ["task.created"]
        assert (await orch.create_task("third")).id == format_id("TASK", 2)


async def check_units_of_work_run_one_at_a_time(make: StorageFactory) -> None:
    """Concurrent units of work on one storage never interleave: no number given twice."""
    async with make() as storage:

        async def one() -> None:
            async with storage.transaction() as tx:
                n = await tx.next_number("TASK")
                await anyio.lowlevel.checkpoint()
                await tx.tasks.add(task(format_id("TASK", n)))

        async with anyio.create_task_group() as tg:
            for _ in range(20):
                tg.start_soon(one)
        async with storage.transaction(write=False) as tx:
            ids = [t.id for t in await tx.tasks.list(TaskFilter())]
        assert ids == [format_id("TASK", n) for n in range(1, 21)]


LOG_CHECKS: tuple[Check, ...] = (
    check_event_log,
    check_outbox,
    check_next_number,
    check_failed_unit_of_work_leaves_nothing,
    check_failed_use_case_writes_nothing,
    check_units_of_work_run_one_at_a_time,
)
