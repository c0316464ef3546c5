"""A Notifier that records what it was asked to send."""

from __future__ import annotations

from attrs import define, field

from orchestron.core.domain.human import Notification

__all__ = ["RecordingNotifier"]


@define
class RecordingNotifier:
    sent: list[Notification] = field(factory=list)
    fail_with: Exception | None = None

    async def notify(self, notification: Notification) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(notification)
