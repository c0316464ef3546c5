"""The Notifier contract: what every notifier adapter must do, checked the same way.

Use it by subclassing `NotifierContract` in a test module, with
`pytestmark = pytest.mark.anyio` on the subclass and a `notifier_harness`
fixture that yields a `NotifierHarness` for the adapter under test. The
harness reports what the far end received, as JSON-ready dicts, so the fake
and a webhook are judged by the same assertions.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from orchestron.core.domain.enums import Urgency
from orchestron.core.domain.human import Notification
from orchestron.core.domain.notifications import NotificationKind
from orchestron.core.ports import Notifier
from orchestron.core.serialize import to_jsonable

__all__ = ["NotifierContract", "NotifierHarness", "sample_notification"]


class NotifierHarness(Protocol):
    notifier: Notifier

    def received(self) -> list[dict[str, Any]]:
        """What the far end got so far, oldest first, as JSON-ready dicts."""

    def break_target(self) -> None:
        """Make the far end refuse everything from now on."""


def sample_notification(n: int = 1, **changes: Any) -> Notification:
    base: dict[str, Any] = {
        "kind": NotificationKind.INTERVENTION_NEEDED.value,
        "title": f"claude-{n} needs help on TASK-{n:03d}",
        "at": datetime(2026, 1, 1, 9, 0, tzinfo=UTC) + timedelta(minutes=n),
        "text": "Which database?",
        "urgency": Urgency.HIGH,
        "task_id": f"TASK-{n:03d}",
        "session_id": f"s-{n}",
        "actor": f"claude-{n}",
        "data": {"request": f"REQ-{n:03d}", "blocking": True},
    }
    base.update(changes)
    return Notification(**base)


class NotifierContract:
    async def test_delivers_one_notification_with_every_field(
        self, notifier_harness: NotifierHarness
    ) -> None:
        sent = sample_notification(1)
        await notifier_harness.notifier.notify(sent)
        assert notifier_harness.received() == [to_jsonable(sent)]

    async def test_keeps_the_order_of_several(self, notifier_harness: NotifierHarness) -> None:
        sent = [sample_notification(i) for i in range(1, 4)]
        for notification in sent:
            await notifier_harness.notifier.notify(notification)
        assert [r["title"] for r in notifier_harness.received()] == [n.title for n in sent]

    async def test_unicode_and_nested_data_survive(self, notifier_harness: NotifierHarness) -> None:
        sent = sample_notification(
            2,
            text="Quelle base ? « PostgreSQL » ✓ 数据库",
            data={"steps": ["a", "b"], "nested": {"n": 1, "ok": None}},
        )
        await notifier_harness.notifier.notify(sent)
        got = notifier_harness.received()[-1]
        assert got["text"] == sent.text
        assert got["data"] == {"steps": ["a", "b"], "nested": {"n": 1, "ok": None}}

    async def test_raises_when_the_far_end_fails_so_the_outbox_keeps_it(
        self, notifier_harness: NotifierHarness
    ) -> None:
        notifier_harness.break_target()
        raised = False
        try:
            await notifier_harness.notifier.notify(sample_notification(3))
        except Exception:  # noqa: BLE001 (any error type will do: it must not pass silently)
            raised = True
        assert raised, "a notifier whose target failed returned as if it had sent"
        assert all(r["title"] != sample_notification(3).title for r in notifier_harness.received())
