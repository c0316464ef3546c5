"""Agents ask, people answer: clarifications, help, approvals, and the inbox."""

from __future__ import annotations

import pytest
from human_support import hold, start_session, task_in

from orchestron.core import (
    ForbiddenError,
    InvalidInputError,
    MessageKind,
    NotFoundError,
    Orchestron,
    Priority,
    RequestKind,
    RequestStatus,
    TaskStatus,
    Urgency,
    compute_urgency,
)
from orchestron.core.testing import FixedClock, RecordingNotifier

pytestmark = pytest.mark.anyio


async def test_the_plans_scenario_which_database(
    app: Orchestron, notifier: RecordingNotifier
) -> None:
    task = await task_in(app, "IN_PROGRESS")
    session = await start_session(app, "s-1", "claude-1")
    await hold(app, task.id, session)
    agent = app.acting_as("claude-1")

    asked = await agent.request_clarification(task.id, "Which database?", session_id="s-1")
    assert (await app.get_task(task.id)).status is TaskStatus.BLOCKED
    assert [n.kind for n in notifier.sent] == ["CLARIFICATION_REQUESTED"]
    assert notifier.sent[0].text == "Which database?"
    assert notifier.sent[0].urgency is Urgency.NORMAL
    assert notifier.sent[0].data["request"] == asked.id

    await app.add_clarification(task.id, "Use PostgreSQL")
    assert (await _answers(app, task.id))[0] == "Use PostgreSQL"
    assert (await app.get_task(task.id)).status is TaskStatus.IN_PROGRESS

    taken = await agent.take_messages("s-1")
    assert [(m.kind, m.text, m.request_id) for m in taken] == [
        (MessageKind.ANSWER, "Use PostgreSQL", asked.id)
    ]
    assert await agent.take_messages("s-1") == []


async def test_a_non_blocking_question_leaves_the_task_moving(app: Orchestron) -> None:
    task = await task_in(app, "IN_PROGRESS")
    await app.request_clarification(task.id, "Tabs or spaces?", blocking=False)
    assert (await app.get_task(task.id)).status is TaskStatus.IN_PROGRESS


async def test_the_task_waits_until_its_last_blocking_question_is_answered(
    app: Orchestron,
) -> None:
    task = await task_in(app, "IN_REVIEW")
    first = await app.request_clarification(task.id, "Which database?")
    second = await app.request_clarification(task.id, "Which port?")
    answered = await app.add_clarification(task.id, "PostgreSQL")
    assert answered.id == first.id  # the oldest open question first
    assert (await app.get_task(task.id)).status is TaskStatus.BLOCKED
    await app.add_clarification(task.id, "5432", request_id=second.id)
    assert (await app.get_task(task.id)).status is TaskStatus.IN_REVIEW
    assert await _answers(app, task.id) == ["PostgreSQL", "5432"]
    assert [r.text for r in await app.clarifications(task.id)] == ["Which database?", "Which port?"]


async def test_a_clarification_nobody_asked_for_is_kept_and_told_to_the_agent(
    app: Orchestron,
) -> None:
    task = await task_in(app, "IN_PROGRESS")
    session = await start_session(app, "s-1", "claude-1")
    await hold(app, task.id, session)
    await app.add_clarification(task.id, "The API must stay backwards compatible")
    assert await _answers(app, task.id) == ["The API must stay backwards compatible"]
    taken = await app.take_messages("s-1")
    assert [m.text for m in taken] == ["The API must stay backwards compatible"]


async def test_a_request_is_answered_once(app: Orchestron) -> None:
    task = await task_in(app, "IN_PROGRESS")
    asked = await app.request_clarification(task.id, "Which database?")
    await app.acting_as("human:bob").answer_request(asked.id, "PostgreSQL")
    with pytest.raises(ForbiddenError) as refused:
        await app.answer_request(asked.id, "MySQL")
    assert "already answered by human:bob" in str(refused.value)
    assert await _answers(app, task.id) == ["PostgreSQL"]


async def test_an_answer_to_another_tasks_question_is_refused(app: Orchestron) -> None:
    one = await task_in(app, "IN_PROGRESS", "One")
    two = await task_in(app, "IN_PROGRESS", "Two")
    asked = await app.request_clarification(one.id, "Which database?")
    with pytest.raises(InvalidInputError) as refused:
        await app.add_clarification(two.id, "PostgreSQL", request_id=asked.id)
    assert refused.value.field == "request_id"


async def test_asking_about_a_missing_task_writes_and_sends_nothing(
    app: Orchestron, notifier: RecordingNotifier
) -> None:
    with pytest.raises(NotFoundError):
        await app.request_clarification("TASK-404", "Which database?")
    with pytest.raises(InvalidInputError) as refused:
        await app.request_clarification("TASK-404", "   ")
    assert refused.value.field == "question"
    assert await app.inbox() == []
    assert notifier.sent == []


async def test_an_intervention_gets_its_urgency_from_kind_priority_and_what_waits(
    app: Orchestron, notifier: RecordingNotifier
) -> None:
    core = await app.create_task("Core library", priority="CRITICAL")
    for name in ("API", "CLI", "Dashboard"):
        await app.create_task(name, depends_on=[core.id])
    stuck = await app.request_intervention("Tests hang on CI", task_id=core.id)
    assert stuck.kind is RequestKind.HELP
    assert stuck.urgency is Urgency.CRITICAL
    assert notifier.sent[-1].kind == "INTERVENTION_NEEDED"
    assert notifier.sent[-1].urgency is Urgency.CRITICAL

    leaf = await app.create_task("Polish", priority="LOW")
    nod = await app.request_intervention("May I rename it?", kind="approval", task_id=leaf.id)
    assert (nod.kind, nod.urgency) == (RequestKind.APPROVAL, Urgency.LOW)

    given = await app.request_intervention("Disk almost full", urgency="high")
    assert (given.urgency, given.task_id) == (Urgency.HIGH, None)


async def test_a_blocking_intervention_blocks_its_task(app: Orchestron) -> None:
    task = await task_in(app, "IN_PROGRESS")
    asked = await app.request_intervention("Need DB creds", task_id=task.id, blocking=True)
    assert (await app.get_task(task.id)).status is TaskStatus.BLOCKED
    done = await app.answer_request(asked.id, "In the vault under db/prod")
    assert done.status is RequestStatus.ANSWERED
    assert (await app.get_task(task.id)).status is TaskStatus.IN_PROGRESS


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "CLARIFICATION"}, "kind"),
        ({"kind": "PRAYER"}, "kind"),
        ({"urgency": "ASAP"}, "urgency"),
        ({"blocking": True}, "blocking"),
    ],
)
async def test_a_bad_intervention_is_refused_naming_the_field(
    app: Orchestron, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        await app.request_intervention("Help", **kwargs)  # type: ignore[arg-type]
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("kind", "priority", "blocks", "urgency"),
    [
        (RequestKind.CLARIFICATION, Priority.MEDIUM, 0, Urgency.NORMAL),
        (RequestKind.CLARIFICATION, Priority.LOW, 0, Urgency.LOW),
        (RequestKind.CLARIFICATION, Priority.CRITICAL, 0, Urgency.HIGH),
        (RequestKind.HELP, Priority.HIGH, 1, Urgency.HIGH),
        (RequestKind.HELP, Priority.CRITICAL, 3, Urgency.CRITICAL),
        (RequestKind.APPROVAL, Priority.LOW, 5, Urgency.NORMAL),
        (RequestKind.HELP, None, 0, Urgency.NORMAL),
    ],
)
def test_compute_urgency(
    kind: RequestKind, priority: Priority | None, blocks: int, urgency: Urgency
) -> None:
    assert compute_urgency(kind, priority, blocks) is urgency


async def test_the_inbox_lists_open_requests_most_urgent_then_oldest(
    app: Orchestron, clock: FixedClock
) -> None:
    task = await task_in(app, "IN_PROGRESS")
    low = await app.request_intervention("FYI", urgency="LOW")
    clock.advance(60)
    normal_old = await app.request_clarification(task.id, "Which database?", blocking=False)
    clock.advance(60)
    high = await app.request_intervention("Prod is down", urgency="HIGH")
    clock.advance(60)
    normal_new = await app.request_intervention("Review my plan", kind="APPROVAL")
    assert normal_new.urgency is Urgency.NORMAL
    answered = await app.request_intervention("Anyone?", urgency="CRITICAL")
    await app.answer_request(answered.id, "Here")
    inbox = await app.inbox()
    assert [r.id for r in inbox] == [high.id, normal_old.id, normal_new.id, low.id]
    assert [r.id for r in await app.inbox(limit=2)] == [high.id, normal_old.id]


async def test_the_event_log_shows_who_asked_and_who_answered(app: Orchestron) -> None:
    task = await task_in(app, "IN_PROGRESS")
    await app.acting_as("claude-1").request_clarification(task.id, "Which database?")
    await app.add_clarification(task.id, "PostgreSQL", actor="human:bob")
    seen = [
        (e.kind, e.actor)
        for e in await app.events(entity=task.id)
        if e.kind.startswith(("request.", "message.")) or e.data.get("when") == "human_answered"
    ]
    assert seen == [
        ("request.opened", "claude-1"),
        ("request.answered", "human:bob"),
        ("message.sent", "human:bob"),
        ("task.status_changed", "human:bob"),
    ]


async def test_an_answer_to_a_request_without_a_task_reaches_the_agent_that_asked(
    app: Orchestron,
) -> None:
    await start_session(app, "s-1", "claude-1")
    asked = await app.acting_as("claude-1").request_intervention("Which repo should I use?")
    assert (asked.session_id, asked.agent_id) == (None, "claude-1")
    await app.answer_request(asked.id, "orchestron-core", actor="human:bob")
    [told] = await app.take_messages("s-1")
    assert (told.kind, told.text, told.request_id) == (
        MessageKind.ANSWER,
        "orchestron-core",
        asked.id,
    )


async def _answers(app: Orchestron, task_id: str) -> list[str]:
    """The answers given on a task, oldest first."""
    return [r.answer for r in await app.clarifications(task_id) if r.answer is not None]
