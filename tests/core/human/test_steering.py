"""A person steers: pause and resume, approve and reject, intervene, reprioritise."""

from __future__ import annotations

import pytest
from human_support import hold, start_session, task_in

from orchestron.core import (
    ForbiddenError,
    InvalidInputError,
    MessageKind,
    Orchestron,
    Priority,
    RequestStatus,
    TaskStatus,
)
from orchestron.core.testing import RecordingNotifier

pytestmark = pytest.mark.anyio


async def agent_on(app: Orchestron, status: str) -> str:
    """A task in `status` held by session s-1 of claude-1; returns the task id."""
    task = await task_in(app, status)
    await hold(app, task.id, await start_session(app, "s-1", "claude-1"))
    return task.id


async def test_pause_then_resume_restores_in_review_not_todo(
    app: Orchestron, notifier: RecordingNotifier
) -> None:
    task_id = await agent_on(app, "IN_REVIEW")
    paused = await app.pause(task_id, "Hold on: the spec changed")
    assert paused.status is TaskStatus.PAUSED
    assert notifier.sent[-1].kind == "TASK_PAUSED"
    resumed = await app.resume_task(task_id)
    assert resumed.status is TaskStatus.IN_REVIEW
    taken = await app.take_messages("s-1")
    assert [(m.kind, m.text) for m in taken] == [
        (MessageKind.PAUSE, "Hold on: the spec changed"),
        (MessageKind.RESUME, f"resumed; {task_id} is IN_REVIEW"),
    ]


async def test_a_pause_needs_a_reason_and_a_task_that_can_pause(app: Orchestron) -> None:
    task_id = await agent_on(app, "IN_PROGRESS")
    with pytest.raises(InvalidInputError) as refused:
        await app.pause(task_id, "")
    assert refused.value.field == "reason"
    done = await task_in(app, "DONE", "Finished work")
    with pytest.raises(ForbiddenError) as forbidden:
        await app.pause(done.id, "stop")
    assert "DONE" in forbidden.value.reason
    with pytest.raises(ForbiddenError):
        await app.resume_task(task_id)  # not paused


async def test_resuming_a_task_that_still_waits_for_an_answer_blocks_it_again(
    app: Orchestron,
) -> None:
    task_id = await agent_on(app, "IN_PROGRESS")
    await app.request_clarification(task_id, "Which database?")
    await app.pause(task_id, "Wait for the architecture review")
    assert (await app.resume_task(task_id)).status is TaskStatus.BLOCKED
    await app.add_clarification(task_id, "PostgreSQL")
    assert (await app.get_task(task_id)).status is TaskStatus.IN_PROGRESS


async def test_approve_with_feedback_reaches_the_agent_exactly_once(
    app: Orchestron, notifier: RecordingNotifier
) -> None:
    task_id = await agent_on(app, "IN_REVIEW")
    done = await app.approve(task_id, "Nice work, ship it")
    assert done.status is TaskStatus.DONE
    assert notifier.sent[-1].kind == "TASK_DONE"
    first = await app.take_messages("s-1")
    assert [(m.kind, m.text, m.author) for m in first] == [
        (MessageKind.APPROVED, "Nice work, ship it", "human:alice")
    ]
    assert first[0].delivered_to == "s-1"
    assert await app.take_messages("s-1") == []


async def test_reject_with_feedback_reaches_the_agent_exactly_once(app: Orchestron) -> None:
    task_id = await agent_on(app, "IN_REVIEW")
    back = await app.reject(task_id, "Add a test for the empty list")
    assert back.status is TaskStatus.IN_PROGRESS
    first = await app.take_messages("s-1", via="hook")
    assert [(m.kind, m.text, m.delivered_via) for m in first] == [
        (MessageKind.REJECTED, "Add a test for the empty list", "hook")
    ]
    assert await app.take_messages("s-1") == []
    [stored] = await app.messages_for(task_id)
    assert stored.delivered_via == "hook"


async def test_reject_needs_feedback_and_review(app: Orchestron) -> None:
    task_id = await agent_on(app, "IN_REVIEW")
    with pytest.raises(InvalidInputError) as refused:
        await app.reject(task_id, "  ")
    assert refused.value.field == "feedback"
    todo = await app.create_task("Not started")
    with pytest.raises(ForbiddenError) as forbidden:
        await app.approve(todo.id)
    assert "review_approved" in forbidden.value.reason
    assert await app.messages_for(todo.id) == []


async def test_approving_answers_the_agents_open_approval_request(app: Orchestron) -> None:
    task_id = await agent_on(app, "IN_REVIEW")
    asked = await app.request_intervention(
        "Ready to merge?", kind="APPROVAL", task_id=task_id, blocking=True
    )
    assert (await app.get_task(task_id)).status is TaskStatus.BLOCKED
    assert (await app.approve(task_id, "Merge it")).status is TaskStatus.DONE
    request = await app.get_request(asked.id)
    assert (request.status, request.answer) == (RequestStatus.ANSWERED, "approved: Merge it")
    assert [m.kind for m in await app.take_messages("s-1")] == [MessageKind.APPROVED]


async def test_intervene_leaves_a_message_for_the_agent(app: Orchestron) -> None:
    task_id = await agent_on(app, "IN_PROGRESS")
    said = await app.intervene(task_id, "Use the v2 endpoint", actor="human:bob")
    assert (said.kind, said.session_id, said.agent_id) == (
        MessageKind.INTERVENTION,
        "s-1",
        "claude-1",
    )
    assert [m.id for m in await app.take_messages("s-1")] == [said.id]


async def test_set_priority_changes_it_and_tells_the_agent(app: Orchestron) -> None:
    task_id = await agent_on(app, "IN_PROGRESS")
    raised = await app.set_priority(task_id, "critical")
    assert raised.priority is Priority.CRITICAL
    [told] = await app.take_messages("s-1")
    assert told.kind is MessageKind.PRIORITY
    assert "MEDIUM to CRITICAL" in told.text
    same = await app.set_priority(task_id, "CRITICAL")
    assert same.version == raised.version
    with pytest.raises(InvalidInputError) as refused:
        await app.set_priority(task_id, "urgent")
    assert refused.value.field == "priority"


async def test_the_event_log_shows_every_human_action_with_its_actor(app: Orchestron) -> None:
    task_id = await agent_on(app, "IN_PROGRESS")
    start = await app.last_event_seq()
    alice = app.acting_as("human:alice")
    await alice.intervene(task_id, "Use v2")
    await alice.set_priority(task_id, "HIGH")
    await alice.pause(task_id, "Wait")
    await alice.resume_task(task_id)
    await app.transition(task_id, "tests_pass", actor="claude-1")
    await alice.reject(task_id, "Needs tests")
    await app.transition(task_id, "tests_pass", actor="claude-1")
    await alice.approve(task_id, "Good")
    human = [
        (e.kind, e.data.get("when") or e.data.get("message_kind") or "priority")
        for e in await app.events(entity=task_id, after=start)
        if e.actor == "human:alice"
    ]
    assert human == [
        ("message.sent", "INTERVENTION"),
        ("task.updated", "priority"),
        ("message.sent", "PRIORITY"),
        ("task.status_changed", "task_paused"),
        ("message.sent", "PAUSE"),
        ("task.status_changed", "task_resumed"),
        ("message.sent", "RESUME"),
        ("task.status_changed", "review_rejected"),
        ("message.sent", "REJECTED"),
        ("task.status_changed", "review_approved"),
        ("message.sent", "APPROVED"),
    ]
