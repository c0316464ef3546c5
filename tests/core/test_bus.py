"""The message bus: handlers in the order registered, inside the unit of work that
published, so a handler that fails fails the change; and the one bootstrap that
registers every reaction across areas."""

from __future__ import annotations

from typing import Any

import pytest

from orchestron.core import Orchestron, TaskStatus
from orchestron.core.services import (
    AnswerGiven,
    Committed,
    MessageBus,
    SessionWrappingUp,
    TaskStatusMoved,
    bootstrap,
)
from orchestron.core.testing import FixedClock, MemoryStorage, RecordingNotifier

pytestmark = pytest.mark.anyio


class Boom(Exception):
    pass


class Unheard:
    pass


async def test_handlers_run_in_the_order_registered_and_only_for_their_event() -> None:
    bus = MessageBus()
    seen: list[tuple[str, Any, object]] = []

    async def first(work: Any, event: SessionWrappingUp) -> None:
        seen.append(("first", work, event))

    async def second(work: Any, event: SessionWrappingUp) -> None:
        seen.append(("second", work, event))

    async def other(work: Any, event: Committed) -> None:
        seen.append(("other", work, event))

    bus.subscribe(SessionWrappingUp, first)
    bus.subscribe(Committed, other)
    bus.subscribe(SessionWrappingUp, second)
    event = SessionWrappingUp("SES-001")
    await bus.publish("the work", event)
    assert seen == [("first", "the work", event), ("second", "the work", event)]
    assert bus.handlers(SessionWrappingUp) == (first, second)
    await bus.publish("the work", Unheard())  # nobody listens: nothing happens
    assert len(seen) == 2


async def test_a_handler_that_raises_stops_the_ones_after_it() -> None:
    bus = MessageBus()
    seen: list[str] = []

    async def fails(work: Any, event: object) -> None:
        raise Boom

    async def after(work: Any, event: object) -> None:
        seen.append("after")

    bus.subscribe(SessionWrappingUp, fails)
    bus.subscribe(SessionWrappingUp, after)
    with pytest.raises(Boom):
        await bus.publish(None, SessionWrappingUp("SES-001"))
    assert seen == []


def test_bootstrap_registers_one_reaction_for_each_event() -> None:
    ports = bootstrap(MemoryStorage(), FixedClock())
    wired = {
        event.__name__: [h.__qualname__ for h in ports.bus.handlers(event)]
        for event in (TaskStatusMoved, SessionWrappingUp, AnswerGiven, Committed)
    }
    assert wired == {
        "TaskStatusMoved": ["HumanService.on_status_moved"],
        "SessionWrappingUp": ["MemoryService.on_session_wrapping_up"],
        "AnswerGiven": ["DisputeService.on_answer_given"],
        "Committed": ["OutboxService.on_committed"],
    }


async def test_a_failing_handler_rolls_back_the_unit_of_work() -> None:
    notifier = RecordingNotifier()
    orch = Orchestron(MemoryStorage(), FixedClock(), notifier, actor="human:test")
    task = await orch.create_task("Ship it")
    await orch.start_task(task.id)
    seq = await orch.last_event_seq()
    moves: list[TaskStatus] = []

    async def refuses(work: Any, event: TaskStatusMoved) -> None:
        moves.append(event.after.status)
        raise Boom

    orch.services.ports.bus.subscribe(TaskStatusMoved, refuses)
    with pytest.raises(Boom):
        await orch.transition(task.id, "tests_pass")
    # The human area's handler ran first (it queues "ready for review"), then this one
    # failed: the move, its event and the queued notification are all gone.
    assert moves == [TaskStatus.IN_REVIEW]
    assert (await orch.get_task(task.id)).status is TaskStatus.IN_PROGRESS
    assert await orch.events(after=seq) == []
    assert notifier.sent == []
    assert await orch.dispatch_outbox() == 0


async def test_handler_writes_commit_with_the_change_and_committed_comes_after() -> None:
    orch = Orchestron(MemoryStorage(), FixedClock(), RecordingNotifier(), actor="human:test")
    task = await orch.create_task("Ship it")
    await orch.start_task(task.id)
    after_commit: list[TaskStatus] = []

    async def notes(work: Any, event: TaskStatusMoved) -> None:
        work.emit(event.after.id, "test.noted", to=event.after.status.value)

    async def reads_back(work: Any, event: Committed) -> None:
        # Outside the unit of work: a new one sees the change committed.
        after_commit.append((await orch.get_task(task.id)).status)

    orch.services.ports.bus.subscribe(TaskStatusMoved, notes)
    orch.services.ports.bus.subscribe(Committed, reads_back)
    await orch.transition(task.id, "tests_pass")
    kinds = [e.kind for e in await orch.events(entity=task.id)]
    assert kinds[-2:] == ["task.status_changed", "test.noted"]
    assert TaskStatus.IN_REVIEW in after_commit
