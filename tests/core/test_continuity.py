"""Continuity you can trust: the same scenarios on the fake, SQLite and PostgreSQL.

Agents here have default-style ids (new in every session), as `orchestron-mcp`
gives them, and act through the facade bound to their session, as the doors do.
"""

from __future__ import annotations

import pytest

from orchestron.core import (
    ForbiddenError,
    MessageKind,
    Orchestron,
    Settings,
    TaskStatus,
    checked_fields,
)
from orchestron.core.ports import Storage
from orchestron.core.testing import FixedClock

pytestmark = pytest.mark.anyio

LEASE = 60.0


@pytest.fixture
def person(storage: Storage, clock: FixedClock) -> Orchestron:
    return Orchestron(storage, clock, settings=Settings(lease_seconds=LEASE), actor="human:ana")


async def agent(person: Orchestron, name: str) -> tuple[Orchestron, str]:
    """An agent's facade bound to a new session of its own, as orchestron-mcp makes one."""
    session = await person.start_session(name)
    return person.acting_as(name).for_session(session.id), session.id


async def test_the_next_agent_picks_up_the_task_its_context_and_the_persons_word(
    person: Orchestron,
) -> None:
    first = await person.create_task("Orders API", checkpoints=["schema", "endpoints"])
    await person.create_task("Receipts")
    one, s1 = await agent(person, "claude-code-1a2b")
    picked = await one.pick_next(s1)
    assert picked is not None and picked.task.id == first.id
    await one.complete_checkpoint(first.id, 1)
    await one.save_context(s1, {"next_steps": ["write the POST /orders handler"]})
    await one.end_session(s1)

    said = await person.intervene(first.id, "Use PostgreSQL, not SQLite")
    two, s2 = await agent(person, "claude-code-9f9f")
    package = await two.resume("claude-code-9f9f", session_id=s2)

    assert package.kind == "unfinished" and package.claimed
    assert package.task is not None and package.task.id == first.id
    assert "write the POST /orders handler" in package.instruction
    assert f"unfinished: {s1} ended" in package.instruction
    assert package.context is not None
    assert package.context["next_steps"] == ["write the POST /orders handler"]
    assert [m.id for m in package.messages] == [said.id]
    assert await two.take_messages(s2) == []  # exactly once
    assert (await person.get_task(first.id)).claimed_by == s2


async def test_work_left_by_a_lapsed_lease_is_offered_first_to_task_next(
    person: Orchestron, clock: FixedClock
) -> None:
    left = await person.create_task("Migration", priority="low")
    one, s1 = await agent(person, "claude-code-1a2b")
    await one.claim(left.id, s1)
    await one.save_context(s1, {"next_steps": ["rerun step 3"]})
    clock.advance(LEASE + 1)  # the process was killed: no more heartbeats
    await person.create_task("Urgent new work", priority="critical")

    two, s2 = await agent(person, "claude-code-9f9f")
    choice = await two.pick_next(s2)
    assert choice is not None and choice.kind == "unfinished" and choice.task.id == left.id
    assert "lease lapsed" in choice.reason and s1 in choice.reason
    assert choice.context is not None and choice.context["next_steps"] == ["rerun step 3"]


async def test_an_answered_question_is_not_offered_as_open(person: Orchestron) -> None:
    task = await person.create_task("Billing")
    one, s1 = await agent(person, "claude-code-1a2b")
    await one.claim(task.id, s1)
    asked = await one.request_clarification(task.id, "Which currency?", session_id=s1)
    await one.prepare_handoff(s1, note="blocked on the currency")
    await one.end_session(s1)
    await person.add_clarification(task.id, "EUR")

    two, s2 = await agent(person, "claude-code-9f9f")
    package = await two.resume("claude-code-9f9f", session_id=s2)
    assert package.kind == "handoff" and package.task is not None
    assert package.requests == []  # answered since the package was made
    assert asked.id not in package.instruction
    assert [m.text for m in package.messages] == ["EUR"]


async def test_a_task_cannot_move_forward_past_an_open_prerequisite(person: Orchestron) -> None:
    prereq = await person.create_task("Schema")
    task = await person.create_task("API", depends_on=[prereq.id])
    for move in (person.start_task, person.complete_task):
        with pytest.raises(ForbiddenError, match=f"waits for {prereq.id} \\(TODO\\)"):
            await move(task.id)
    assert (await person.get_task(task.id)).status is TaskStatus.TODO
    assert not await person.events(entity=task.id, kinds=["task.status_changed"])
    # Started before a prerequisite was added: it cannot go to review past it either.
    started = await person.create_task("UI")
    await person.start_task(started.id)
    await person.add_dependency(started.id, prereq.id)
    with pytest.raises(ForbiddenError, match=f"cannot move to IN_REVIEW: it waits for {prereq.id}"):
        await person.transition(started.id, status="IN_REVIEW")

    one, _s1 = await agent(person, "claude-code-1a2b")
    with pytest.raises(ForbiddenError, match="only a person can force"):
        await one.complete_task(task.id, force="I know better")

    forced = await person.complete_task(task.id, force="done by hand in prod")
    assert forced.status is TaskStatus.DONE
    [event] = await person.events(entity=task.id, kinds=["task.status_changed"])
    assert event.data["forced"] == "done by hand in prod"
    assert event.data["blockers"] == [prereq.id] and event.actor == "human:ana"


async def test_containers_are_never_handed_out_and_roll_up(person: Orchestron) -> None:
    epic = await person.create_task("Checkout", type="EPIC")
    story = await person.create_task("Cart", parent=epic.id, checkpoints=["a", "b"])
    one, s1 = await agent(person, "claude-code-1a2b")
    with pytest.raises(ForbiddenError, match="EPIC"):
        await one.claim(epic.id, s1)

    picked = await one.pick_next(s1)
    assert picked is not None and picked.task.id == story.id
    assert (await person.get_task(epic.id)).status is TaskStatus.IN_PROGRESS
    await one.complete_checkpoint(story.id, 1)
    assert (await person.get_task(epic.id)).progress == 50
    await one.end_session(s1)
    # The epic is in progress with nobody on it, yet it is no unfinished work.
    offered = await person.next_task()
    assert offered is not None and offered.task.id == story.id

    two, s2 = await agent(person, "claude-code-9f9f")
    await two.pick_next(s2)
    await two.complete_checkpoint(story.id, 2)
    await two.complete_task(story.id)
    rolled = await person.get_task(epic.id)
    assert rolled.status is TaskStatus.DONE and rolled.progress == 100
    assert await two.pick_next(s2) is None


async def test_a_session_holds_one_task_unless_it_asks_for_another(person: Orchestron) -> None:
    for title in ("A", "B", "C"):
        await person.create_task(title)
    one, s1 = await agent(person, "claude-code-1a2b")
    package = await one.resume("claude-code-1a2b", session_id=s1)
    assert package.task is not None and package.claimed
    again = await one.pick_next(s1)
    assert again is not None and again.kind == "held" and again.task.id == package.task.id
    assert "holds" in again.reason
    second = await one.pick_next(s1, another=True)
    assert second is not None and second.task.id != package.task.id
    held = {t.id for t in await person.session_tasks(s1)}
    assert held == {package.task.id, second.task.id}


async def test_another_sessions_writes_to_a_held_task_are_refused(person: Orchestron) -> None:
    task = await person.create_task("Held", checkpoints=["one", "two"])
    a, sa = await agent(person, "claude-code-aaaa")
    b, sb = await agent(person, "claude-code-bbbb")
    await a.claim(task.id, sa)
    before = await person.get_task(task.id)
    writes = (
        lambda: b.complete_checkpoint(task.id, 1),
        lambda: b.save_context(sb, {"notes": "mine now"}, task_id=task.id),
        lambda: b.transition(task.id, status="IN_REVIEW"),
        lambda: b.complete_task(task.id),
        lambda: b.change_task(task.id, fields=checked_fields(title="Renamed")),
    )
    for write in writes:
        with pytest.raises(ForbiddenError, match=f"held by session {sa} of agent claude-code-aaaa"):
            await write()
    assert await person.get_task(task.id) == before
    assert await person.load_context(task_id=task.id) is None

    # A person may act on it; the holder reads so at its next step, once.
    await person.complete_checkpoint(task.id, 1)
    [notice] = await a.take_messages(sa)
    assert notice.kind is MessageKind.NOTICE
    assert "human:ana changed" in notice.text and "checkpoint done: one" in notice.text
    assert await a.take_messages(sa) == []


async def test_reopening_and_ticking_twice_tell_the_truth(person: Orchestron) -> None:
    plain = await person.create_task("No checkpoints")
    await person.complete_task(plain.id)
    reopened = await person.transition(plain.id, "task_reopened")
    assert reopened.status is TaskStatus.TODO and reopened.progress == 0

    steps = await person.create_task("Steps", checkpoints=["a", "b", "c", "d"])
    await person.complete_checkpoint(steps.id, 1)
    await person.complete_task(steps.id)
    assert (await person.get_task(steps.id)).progress == 100
    back = await person.transition(steps.id, "task_reopened")
    assert back.progress == 25

    version = back.version
    events = len(await person.events(entity=steps.id))
    again = await person.complete_checkpoint(steps.id, "a")
    assert again.version == version
    assert len(await person.events(entity=steps.id)) == events


async def test_many_checkpoints_are_one_write_and_one_event(person: Orchestron) -> None:
    task = await person.create_task("Plan")
    changed = await person.change_task(task.id, checkpoints_add=[f"step {n}" for n in range(300)])
    assert changed.task.version == task.version + 1 and len(changed.task.checkpoints) == 300
    [added] = await person.events(entity=task.id, kinds=["task.checkpoint_added"])
    assert added.data["index"] == 1 and len(added.data["titles"]) == 300


async def test_a_handoff_named_for_an_agent_is_theirs_first(
    person: Orchestron, clock: FixedClock
) -> None:
    task = await person.create_task("Payments")
    one, s1 = await agent(person, "claude-1")
    await one.claim(task.id, s1)
    await one.save_context(s1, {"next_steps": ["refunds"]})
    await one.prepare_handoff(s1, to_agent="claude-2", note="over to you")
    await one.end_session(s1)

    stranger, s3 = await agent(person, "claude-code-77aa")
    assert await stranger.pick_next(s3) is None  # it waits for claude-2 first
    two, s2 = await agent(person, "claude-2")
    package = await two.resume("claude-2", session_id=s2)
    assert package.kind == "handoff" and package.task is not None and package.claimed
    assert "over to you" in package.instruction


async def test_a_named_handoff_nobody_takes_goes_to_anyone_after_a_lease(
    person: Orchestron, clock: FixedClock
) -> None:
    task = await person.create_task("Payments")
    one, s1 = await agent(person, "claude-1")
    await one.claim(task.id, s1)
    await one.prepare_handoff(s1, to_agent="claude-2")
    await one.end_session(s1)
    clock.advance(LEASE + 1)

    stranger, s3 = await agent(person, "claude-code-77aa")
    choice = await stranger.pick_next(s3)
    assert choice is not None and choice.task.id == task.id and choice.kind == "handoff"
    assert choice.handoff is not None
    assert (await person.list_handoffs(pending_only=True)) == []
