"""Build synthetic event logs for the analytics tests, in the shapes the services emit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from orchestron.core.domain.event import Event

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday


def at(day: int, hour: float = 0.0) -> datetime:
    """Day `day` after T0's date, at `hour` o'clock UTC (T0 itself is day 0, 09:00)."""
    midnight = T0.replace(hour=0)
    return midnight + timedelta(days=day, hours=hour)


class Log:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, on: datetime, entity: str, kind: str, /, **data: Any) -> Log:
        self.events.append(
            Event(
                at=on, actor="test", entity=entity, kind=kind, data=data, seq=len(self.events) + 1
            )
        )
        return self

    def create(
        self,
        task: str,
        when: datetime,
        *,
        type: str = "TASK",
        labels: tuple[str, ...] = (),
        estimate: float | None = None,
        parent: str | None = None,
        sprint: str | None = None,
    ) -> Log:
        return self.add(
            when,
            task,
            "task.created",
            title=task,
            type=type,
            priority="MEDIUM",
            parent=parent,
            sprint=sprint,
            labels=list(labels),
            estimate=estimate,
        )

    def move(self, task: str, when: datetime, frm: str, to: str, how: str = "") -> Log:
        return self.add(when, task, "task.status_changed", **{"from": frm, "to": to, "when": how})

    def start(self, task: str, when: datetime) -> Log:
        return self.move(task, when, "TODO", "IN_PROGRESS", "task_started")

    def finish(self, task: str, when: datetime, frm: str = "IN_PROGRESS") -> Log:
        return self.move(task, when, frm, "DONE", "task_completed")

    def block(self, task: str, when: datetime, frm: str = "IN_PROGRESS") -> Log:
        return self.move(task, when, frm, "BLOCKED", "blocked_on_human")

    def unblock(self, task: str, when: datetime, to: str = "IN_PROGRESS") -> Log:
        return self.move(task, when, "BLOCKED", to, "human_answered")

    def done_task(
        self, task: str, created: datetime, started: datetime, done: datetime, **kw: Any
    ) -> Log:
        return self.create(task, created, **kw).start(task, started).finish(task, done)
