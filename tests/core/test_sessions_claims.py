"""Sessions, leases and claims on the in-memory fakes (and SQLite when present)."""

from __future__ import annotations

import pytest

from orchestron.core import (
    ConflictError,
    ForbiddenError,
    Orchestron,
    SessionStatus,
    Settings,
    TaskStatus,
    checked_fields,
)
from orchestron.core.ports import Storage
from orchestron.core.testing import FixedClock

pytestmark = pytest.mark.anyio

LEASE = 60.0


@pytest.fixture
def app(storage: Storage, clock: FixedClock) -> Orchestron:
    return Orchestron(storage, clock, settings=Settings(lease_seconds=LEASE))


async def test_a_second_session_cannot_claim_a_held_task(app: Orchestron) -> None:
    task = await app.create_task("Only one may hold this")
    first = await app.start_session("claude-1")
    second = await app.start_session("claude-2")
    await app.claim(task.id, first.id)

    with pytest.raises(ConflictError) as err:
        await app.claim(task.id, second.id)
    assert first.id in str(err.value) and "claude-1" in str(err.value)
    assert err.value.changed_by == "claude-1"
    assert (await app.get_task(task.id)).claimed_by == first.id
    assert await app.pick_next(second.id) is None  # nothing else is ready


async def test_claiming_again_in_the_same_session_changes_nothing(app: Orchestron) -> None:
    task = await app.create_task("Idempotent")
    session = await app.start_session("claude-1")
    first = await app.claim(task.id, session.id)
    again = await app.claim(task.id, session.id)
    assert again.version == first.version


async def test_a_task_with_unfinished_prerequisites_cannot_be_claimed(app: Orchestron) -> None:
    schema = await app.create_task("Schema")
    api = await app.create_task("API", depends_on=[schema.id])
    session = await app.start_session("claude-1")
    with pytest.raises(ForbiddenError) as err:
        await app.claim(api.id, session.id)
    assert schema.id in str(err.value)


async def test_a_finished_task_cannot_be_claimed(app: Orchestron) -> None:
    task = await app.create_task("Done already")
    await app.complete_task(task.id)
    session = await app.start_session("claude-1")
    with pytest.raises(ForbiddenError) as err:
        await app.claim(task.id, session.id)
    assert "DONE" in str(err.value)


async def test_pick_next_takes_what_next_task_would_choose(app: Orchestron) -> None:
    await app.create_task("Low", priority="LOW")
    urgent = await app.create_task("Urgent", priority="CRITICAL")
    session = await app.start_session("claude-1")
    expected = await app.next_task()
    choice = await app.pick_next(session.id)
    assert expected is not None and choice is not None
    assert choice.task.id == expected.task.id == urgent.id
    assert choice.reason == expected.reason
    assert [t.id for t in await app.session_tasks(session.id)] == [urgent.id]


async def test_two_sessions_picking_at_once_get_different_tasks(app: Orchestron) -> None:
    import anyio

    for i in range(6):
        await app.create_task(f"Task {i}")
    sessions = [await app.start_session(f"claude-{i}") for i in range(3)]
    picked: list[str] = []

    async def work(session_id: str) -> None:
        while (choice := await app.pick_next(session_id, another=True)) is not None:
            picked.append(choice.task.id)

    async with anyio.create_task_group() as tg:
        for s in sessions:
            tg.start_soon(work, s.id)
    assert sorted(picked) == sorted(set(picked)) and len(picked) == 6


async def test_a_lapsed_lease_frees_the_task_and_keeps_the_context(
    app: Orchestron, clock: FixedClock
) -> None:
    task = await app.create_task("Crash-prone work")
    crashed = await app.start_session("claude-1")
    await app.claim(task.id, crashed.id)
    await app.save_context(crashed.id, {"next_steps": ["rerun the migration"]})

    clock.advance(LEASE + 1)

    assert (await app.get_session(crashed.id)).status is SessionStatus.ABANDONED
    offered = await app.next_task()
    assert offered is not None and offered.task.id == task.id and offered.kind == "unfinished"
    assert "lease lapsed" in offered.reason
    assert offered.context is not None and offered.context["next_steps"] == ["rerun the migration"]
    freed = await app.get_task(task.id)
    # Left in progress with nobody on it: the next agent's first offer, not back in the queue.
    assert freed.status is TaskStatus.IN_PROGRESS and freed.claimed_by is None
    record = await app.load_context(task_id=task.id)
    assert record is not None and record.data["next_steps"] == ["rerun the migration"]
    with pytest.raises(ForbiddenError, match="start a new session"):
        await app.heartbeat(crashed.id)
    released = await app.events(entity=task.id, kinds=["task.released"])
    assert released[-1].actor == "orchestron" and released[-1].data["reason"] == "lease lapsed"

    rescuer = await app.start_session("claude-2")
    choice = await app.pick_next(rescuer.id)
    assert choice is not None and choice.task.id == task.id and choice.kind == "unfinished"
    assert choice.task.claimed_by == rescuer.id and choice.task.assignee == "claude-2"


async def test_any_call_for_the_session_renews_its_lease(
    app: Orchestron, clock: FixedClock
) -> None:
    session = await app.start_session("claude-1")
    task = await app.create_task("Long job")
    await app.claim(task.id, session.id)
    for _ in range(3):
        clock.advance(LEASE * 0.8)
        await app.save_context(session.id, {"notes": "still going"})
    clock.advance(LEASE * 0.8)
    await app.heartbeat(session.id)
    clock.advance(LEASE * 0.8)
    assert (await app.get_session(session.id)).status is SessionStatus.ACTIVE
    assert (await app.get_task(task.id)).claimed_by == session.id


async def test_ending_a_session_leaves_its_task_for_the_next_agent(app: Orchestron) -> None:
    task = await app.create_task("Mine")
    session = await app.start_session("claude-1")
    await app.claim(task.id, session.id)
    await app.save_context(session.id, {"next_steps": ["wire the form"]})
    ended = await app.end_session(session.id)

    kept = await app.get_task(task.id)
    assert ended.status is SessionStatus.ENDED
    assert kept.status is TaskStatus.IN_PROGRESS and kept.claimed_by is None
    assert await app.session_tasks(session.id) == []
    released = await app.events(entity=task.id, kinds=["task.released"])
    assert released[-1].data["reason"] == "session ended"

    # Any agent is offered it first, before new work, with why and what was next.
    await app.create_task("Newer, more urgent", priority="critical")
    other = await app.start_session("claude-2")
    package = await app.resume("claude-2", session_id=other.id)
    assert package.kind == "unfinished" and package.claimed
    assert package.task is not None and package.task.id == task.id
    assert f"unfinished: {session.id} ended" in package.instruction
    assert "wire the form" in package.instruction
    assert (await app.get_task(task.id)).claimed_by == other.id


async def test_release_puts_a_task_in_progress_back_to_todo(app: Orchestron) -> None:
    task = await app.create_task("Give it back")
    session = await app.start_session("claude-1")
    await app.claim(task.id, session.id)
    released = await app.release(task.id, session.id)
    assert released.status is TaskStatus.TODO
    assert released.claimed_by is None and released.assignee is None
    with pytest.raises(ForbiddenError):
        await app.release(task.id, session.id)


async def test_a_client_session_id_is_idempotent_and_reactivates(
    app: Orchestron, clock: FixedClock
) -> None:
    uuid = "3f2b8c1e-5d4a-4e8b-9c7d-1a2b3c4d5e6f"
    first = await app.start_session("claude-1", session_id=uuid, client="claude-code")
    clock.advance(10)
    again = await app.start_session("claude-1", session_id=uuid)
    assert again.id == first.id == uuid
    assert again.lease_expires > first.lease_expires
    assert len(await app.events(kinds=["session.started"])) == 1

    await app.end_session(uuid)
    back = await app.start_session("claude-1", session_id=uuid)
    assert back.status is SessionStatus.ACTIVE and back.client == "claude-code"
    with pytest.raises(ForbiddenError, match="belongs to agent claude-1"):
        await app.start_session("claude-2", session_id=uuid)


async def test_list_sessions_shows_effective_status(app: Orchestron, clock: FixedClock) -> None:
    old = await app.start_session("claude-1")
    clock.advance(LEASE + 1)
    new = await app.start_session("claude-2")
    listed = await app.list_sessions()
    assert [s.id for s in listed] == [new.id, old.id]
    assert listed[1].status is SessionStatus.ABANDONED
    assert [s.id for s in await app.list_sessions(active_only=True)] == [new.id]
    assert len(await app.list_sessions(limit=1)) == 1


async def test_a_stale_version_is_refused_with_who_changed_it(app: Orchestron) -> None:
    task = await app.create_task("Edited twice")
    await app.change_task(
        task.id, fields=checked_fields(title="Edited once"), version=task.version, actor="claude-2"
    )
    with pytest.raises(ConflictError) as err:
        await app.change_task(
            task.id, fields=checked_fields(title="Edited again"), version=task.version
        )
    assert err.value.current_version == task.version + 1
    assert err.value.changed_by == "claude-2"
    assert "re-read" in str(err.value)
    assert (await app.get_task(task.id)).title == "Edited once"


async def test_checkpoint_progress_events_name_the_agent(app: Orchestron) -> None:
    task = await app.create_task("Stepped", checkpoints=["design", "build"])
    await app.complete_checkpoint(task.id, 1, actor="claude-1")
    events = await app.events(entity=task.id, kinds=["task.checkpoint_done", "task.progress"])
    assert [(e.kind, e.actor) for e in events] == [
        ("task.checkpoint_done", "claude-1"),
        ("task.progress", "claude-1"),
    ]
    assert events[1].data == {"before": 0, "after": 50}


async def test_a_stale_sprint_version_is_refused_with_who_changed_it(app: Orchestron) -> None:
    sprint = await app.create_sprint("Sprint 1")
    started = await app.start_sprint(sprint.id, version=sprint.version, actor="ana")
    with pytest.raises(ConflictError) as err:
        await app.close_sprint(sprint.id, version=sprint.version)
    assert err.value.current_version == started.version
    assert err.value.changed_by == "ana"
    assert (await app.close_sprint(sprint.id, version=started.version)).status.value == "CLOSED"
