"""Notifications go out through the outbox: after the commit, never at the user's expense."""

from __future__ import annotations

import pytest
from human_support import task_in

from orchestron.core import Orchestron, Urgency
from orchestron.core.ports import OutboxItem
from orchestron.core.services.outbox import MAX_ATTEMPTS
from orchestron.core.testing import FixedClock, RecordingNotifier

pytestmark = pytest.mark.anyio


async def pending(app: Orchestron) -> list[OutboxItem]:
    async with app.storage.transaction(write=False) as tx:
        return await tx.outbox.pending()


async def test_a_notification_is_sent_after_its_commit_and_marked_sent(
    app: Orchestron, notifier: RecordingNotifier
) -> None:
    task = await task_in(app, "IN_PROGRESS")
    await app.request_clarification(task.id, "Which database?", actor="claude-1")
    [sent] = notifier.sent
    assert (sent.kind, sent.task_id, sent.actor) == ("CLARIFICATION_REQUESTED", task.id, "claude-1")
    assert await pending(app) == []


async def test_a_failing_notifier_never_fails_the_users_operation(
    app: Orchestron, notifier: RecordingNotifier
) -> None:
    task = await task_in(app, "IN_PROGRESS")
    notifier.fail_with = ConnectionError("webhook down")
    asked = await app.request_clarification(task.id, "Which database?")
    assert [r.id for r in await app.inbox()] == [asked.id]
    [item] = await pending(app)
    assert item.attempts == 1
    assert item.last_error == "ConnectionError: webhook down"

    notifier.fail_with = None
    assert await app.dispatch_outbox() == 1
    assert [n.text for n in notifier.sent] == ["Which database?"]
    assert await pending(app) == []
    assert await app.dispatch_outbox() == 0
    assert len(notifier.sent) == 1


async def test_a_failed_item_is_retried_by_later_operations_once_its_wait_is_over(
    app: Orchestron, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    task = await task_in(app, "IN_PROGRESS")
    notifier.fail_with = ConnectionError("webhook down")
    await app.request_intervention("Stuck", task_id=task.id)
    notifier.fail_with = None
    clock.advance(10)  # too soon: the first retry waits 60 s (30 s doubled by one attempt)
    await app.pause(task.id, "lunch")
    assert [n.kind for n in notifier.sent] == ["TASK_PAUSED"]
    clock.advance(60)
    await app.resume_task(task.id)
    assert [n.kind for n in notifier.sent] == ["TASK_PAUSED", "TASK_RESUMED", "INTERVENTION_NEEDED"]
    assert await pending(app) == []


async def test_without_a_notifier_notifications_wait_in_the_outbox(storage_factory: object) -> None:
    app = Orchestron(await storage_factory(), FixedClock())  # type: ignore[operator]
    task = await task_in(app, "IN_PROGRESS")
    await app.request_clarification(task.id, "Which database?")
    assert [i.notification.kind for i in await pending(app)] == ["CLARIFICATION_REQUESTED"]
    assert await app.dispatch_outbox() == 0  # nothing to send through
    late = RecordingNotifier()
    assert await app.dispatch_outbox(late) == 1
    assert [n.text for n in late.sent] == ["Which database?"]


async def test_stale_and_hopeless_items_are_retired_unsent(
    storage_factory: object, clock: FixedClock
) -> None:
    app = Orchestron(await storage_factory(), clock)  # type: ignore[operator]
    task = await task_in(app, "IN_PROGRESS")
    await app.request_clarification(task.id, "Which database?", blocking=False)
    clock.advance(days=2)
    late = RecordingNotifier()
    assert await app.dispatch_outbox(late) == 0
    assert late.sent == []
    assert await pending(app) == []

    await app.request_clarification(task.id, "Which port?", blocking=False)
    broken = RecordingNotifier(fail_with=ConnectionError("down"))
    for _ in range(MAX_ATTEMPTS):
        assert await app.dispatch_outbox(broken) == 0
    # given up after MAX_ATTEMPTS failures: a working notifier no longer gets it
    assert await app.dispatch_outbox(late) == 0
    assert late.sent == []
    assert await pending(app) == []


async def test_people_hear_when_a_task_wants_review_and_when_it_is_done(
    app: Orchestron, notifier: RecordingNotifier
) -> None:
    task = await app.create_task("Build the API", priority="HIGH")
    await app.transition(task.id, "task_started")
    await app.transition(task.id, "tests_pass", actor="claude-1")
    await app.approve(task.id)
    got = [(n.kind, n.urgency, n.actor) for n in notifier.sent]
    assert got == [
        ("REVIEW_REQUESTED", Urgency.NORMAL, "claude-1"),
        ("TASK_DONE", Urgency.LOW, "human:alice"),
    ]
    assert notifier.sent[0].data["task_title"] == "Build the API"
