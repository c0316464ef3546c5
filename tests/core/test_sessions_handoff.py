"""Handoff packages and the resume order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orchestron.core import (
    ForbiddenError,
    HandoffStatus,
    HumanRequest,
    Message,
    MessageKind,
    Orchestron,
    RequestKind,
    TaskStatus,
)
from orchestron.core.ports import Storage
from orchestron.core.testing import FixedClock

pytestmark = pytest.mark.anyio


@pytest.fixture
def app(storage: Storage, clock: FixedClock) -> Orchestron:
    return Orchestron(storage, clock)


async def test_the_package_carries_task_context_requests_messages_and_note(
    app: Orchestron, storage: Storage, clock: FixedClock
) -> None:
    task = await app.create_task("Billing", checkpoints=["schema", "api", "ui"])
    session = await app.start_session("claude-1")
    await app.claim(task.id, session.id)
    await app.for_session(session.id).complete_checkpoint(task.id, 1, actor="claude-1")
    await app.save_context(session.id, {"next_steps": ["build the api"], "step": "schema done"})
    async with storage.transaction() as tx:
        await tx.requests.add(
            HumanRequest(
                id="REQ-001",
                kind=RequestKind.CLARIFICATION,
                text="Which currency?",
                created_at=clock.now(),
                task_id=task.id,
            )
        )
        await tx.messages.add(
            Message(
                id="MSG-001",
                kind=MessageKind.INTERVENTION,
                text="Use cents, not floats",
                author="ana",
                created_at=clock.now(),
                task_id=task.id,
            )
        )

    handoff = await app.prepare_handoff(session.id, note="api is half done")

    package = handoff.package
    assert handoff.task_id == task.id and handoff.status is HandoffStatus.PENDING
    assert package["task"]["progress"] == 33
    assert [c["done"] for c in package["task"]["checkpoints"]] == [True, False, False]
    assert package["context"]["step"] == "schema done"
    assert package["next_steps"] == ["build the api"]
    assert [r["text"] for r in package["requests"]] == ["Which currency?"]
    assert [m["text"] for m in package["messages"]] == ["Use cents, not floats"]
    assert package["note"] == "api is half done"
    async with storage.transaction(write=False) as tx:
        messages = await tx.messages.list()
    assert messages[0].delivered_at is None  # read for the package, not delivered


async def test_preparing_again_refreshes_the_pending_handoff(app: Orchestron) -> None:
    task = await app.create_task("Work")
    session = await app.start_session("claude-1")
    await app.claim(task.id, session.id)
    first = await app.prepare_handoff(session.id, note="before compaction")
    second = await app.prepare_handoff(session.id, note="at session end")
    assert second.id == first.id and second.package["note"] == "at session end"
    assert len(await app.list_handoffs(pending_only=True)) == 1


async def test_accepting_claims_a_free_task_once(app: Orchestron) -> None:
    task = await app.create_task("Handed on")
    giver = await app.start_session("claude-1")
    await app.claim(task.id, giver.id)
    handoff = await app.prepare_handoff(giver.id)
    await app.end_session(giver.id)

    taker = await app.start_session("claude-2")
    accepted = await app.accept_handoff(handoff.id, taker.id)
    assert accepted.status is HandoffStatus.ACCEPTED and accepted.accepted_by == taker.id
    held = await app.get_task(task.id)
    assert held.claimed_by == taker.id and held.assignee == "claude-2"
    assert held.status is TaskStatus.IN_PROGRESS
    with pytest.raises(ForbiddenError, match="already accepted"):
        await app.accept_handoff(handoff.id, taker.id)
    assert await app.list_handoffs(pending_only=True) == []


async def test_a_handoff_for_a_named_agent_is_theirs_only(app: Orchestron) -> None:
    task = await app.create_task("For claude-3")
    giver = await app.start_session("claude-1")
    await app.claim(task.id, giver.id)
    handoff = await app.prepare_handoff(giver.id, to_agent="claude-3")
    await app.end_session(giver.id)

    stranger = await app.start_session("claude-2")
    with pytest.raises(ForbiddenError, match="addressed to claude-3"):
        await app.accept_handoff(handoff.id, stranger.id)
    assert (await app.resume("claude-2")).kind != "handoff"
    assert (await app.resume("claude-3")).kind == "handoff"


async def test_a_handoff_whose_task_is_still_held_is_not_offered_to_others(
    app: Orchestron,
) -> None:
    task = await app.create_task("Still at work")
    worker = await app.start_session("claude-1")
    await app.claim(task.id, worker.id)
    await app.prepare_handoff(worker.id)  # before a compaction; the session goes on

    assert (await app.resume("claude-2")).kind == "idle"
    # The same session after its compaction gets its own package back.
    own = await app.resume("claude-1", session_id=worker.id)
    assert own.kind == "handoff" and own.claimed


async def test_resume_order_handoff_then_unfinished_then_next_then_idle(
    app: Orchestron, clock: FixedClock
) -> None:
    assert (await app.resume("claude-1")).kind == "idle"

    ready = await app.create_task("Ready for anyone")
    nxt = await app.resume("claude-1")
    assert nxt.kind == "next" and nxt.task is not None and nxt.task.id == ready.id
    assert not nxt.claimed and "Start" in nxt.instruction

    mine = await app.create_task("Mine, unfinished")
    earlier = await app.start_session("claude-1")
    await app.claim(mine.id, earlier.id)
    await app.save_context(earlier.id, {"next_steps": ["finish the form"]})
    await app.end_session(earlier.id)
    unfinished = await app.resume("claude-1")
    assert unfinished.kind == "unfinished" and unfinished.task is not None
    assert unfinished.task.id == mine.id
    assert unfinished.context is not None
    assert unfinished.context["next_steps"] == ["finish the form"]
    assert "finish the form" in unfinished.instruction

    theirs = await app.create_task("Handed on by claude-2")
    other = await app.start_session("claude-2")
    await app.claim(theirs.id, other.id)
    await app.save_context(other.id, {"step": "half way"})
    await app.prepare_handoff(other.id, note="watch the tests")
    await app.end_session(other.id)

    before = await app.last_event_seq()
    preview = await app.resume("claude-1")
    assert preview.kind == "handoff" and preview.task is not None
    assert preview.task.id == theirs.id and not preview.claimed
    assert "watch the tests" in preview.instruction
    assert await app.last_event_seq() == before  # a preview changes nothing

    clock.advance(timedelta(minutes=1).total_seconds())
    session = await app.start_session("claude-1")
    taken = await app.resume("claude-1", session_id=session.id)
    assert taken.kind == "handoff" and taken.claimed
    assert taken.context is not None and taken.context["step"] == "half way"
    assert taken.messages == []
    assert (await app.get_task(theirs.id)).claimed_by == session.id

    # With the handoff taken, the same session is sent back to unfinished work.
    after = await app.resume("claude-1", session_id=session.id)
    assert after.kind == "unfinished"


async def test_resume_with_a_session_claims_the_next_task(app: Orchestron) -> None:
    task = await app.create_task("Fresh")
    session = await app.start_session("claude-1")
    package = await app.resume("claude-1", session_id=session.id)
    assert package.kind == "next" and package.claimed
    assert (await app.get_task(task.id)).claimed_by == session.id
