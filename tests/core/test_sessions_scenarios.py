"""The plan's two scenarios, written once, run on every Storage implementation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from orchestron.core import Orchestron, SessionStatus, TaskStatus, checked_fields
from orchestron.core.ports import Storage
from orchestron.core.testing import FixedClock

pytestmark = pytest.mark.anyio


async def test_single_session(storage: Storage, clock: FixedClock) -> None:
    app = Orchestron(storage, clock)
    task = await app.create_task("Build the login API")

    session = await app.start_session("claude-1")
    choice = await app.pick_next(session.id)
    assert choice is not None and choice.task.id == task.id
    assert choice.task.status is TaskStatus.IN_PROGRESS
    assert choice.task.claimed_by == session.id and choice.task.assignee == "claude-1"

    clock.advance(60)
    await app.change_task(task.id, fields=checked_fields(progress=50), actor="claude-1")
    saved = await app.save_context(
        session.id, {"completed_steps": ["endpoints"], "next_steps": ["write tests"]}
    )
    assert saved.task_id == task.id
    clock.advance(60)
    await app.change_task(task.id, fields=checked_fields(progress=100), actor="claude-1")
    await app.complete_task(task.id, actor="claude-1")
    ended = await app.end_session(session.id)

    final = await app.get_task(task.id)
    assert final.status is TaskStatus.DONE and final.progress == 100
    assert final.claimed_by is None
    assert ended.status is SessionStatus.ENDED
    assert (await app.get_session(session.id)).status is SessionStatus.ENDED
    kinds = [e.kind for e in await app.events()]
    for kind in (
        "session.started",
        "task.claimed",
        "task.progress",
        "context.saved",
        "task.status_changed",
        "session.ended",
    ):
        assert kind in kinds
    assert (await app.load_context(session_id=session.id)) is not None


async def test_handoff_between_agents(
    storage_factory: Callable[[], Awaitable[Storage]], clock: FixedClock
) -> None:
    # Two connections to one store, as two agents' processes would have.
    first = Orchestron(await storage_factory(), clock)
    second = Orchestron(await storage_factory(), clock)

    s1 = await first.start_session("claude-1")
    task = await first.create_task("Payments API", actor="claude-1")
    await first.claim(task.id, s1.id)
    await first.change_task(task.id, fields=checked_fields(progress=30), actor="claude-1")
    await first.save_context(s1.id, {"step": "API done"})
    await first.prepare_handoff(s1.id, note="tests are next")
    await first.end_session(s1.id)

    clock.advance(600)
    s2 = await second.start_session("claude-2")
    package = await second.resume("claude-2", session_id=s2.id)
    assert package.kind == "handoff"
    assert package.task is not None and package.task.id == task.id
    assert package.claimed

    loaded = await second.load_context(task_id=task.id)
    assert loaded is not None and loaded.data["step"] == "API done"
    assert (await second.get_task(task.id)).progress == 30

    done = await second.complete_task(task.id, actor="claude-2")
    await second.end_session(s2.id)
    assert done.status is TaskStatus.DONE
    assert done.assignee == "claude-2"
