"""Tasks and their checkpoints."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from attrs import evolve, field, frozen

from orchestron.core.domain.enums import Priority, TaskStatus, TaskType
from orchestron.core.domain.ids import format_id
from orchestron.core.domain.ids import id_number as parse_number

__all__ = ["Checkpoint", "Task", "format_id", "parse_number"]


def _labels(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _steps(values: Iterable[Checkpoint]) -> tuple[Checkpoint, ...]:
    return tuple(values)


@frozen
class Checkpoint:
    """An ordered step on a task; progress is derived from them when present."""

    title: str
    done: bool = False
    done_at: datetime | None = None
    done_by: str | None = None


@frozen
class Task:
    id: str
    title: str
    created_at: datetime
    updated_at: datetime
    description: str = ""
    type: TaskType = TaskType.TASK
    status: TaskStatus = TaskStatus.TODO
    priority: Priority = Priority.MEDIUM
    progress: int = 0
    parent: str | None = None
    labels: tuple[str, ...] = field(default=(), converter=_labels)
    estimate: float | None = None
    sprint: str | None = None
    assignee: str | None = None
    claimed_by: str | None = None
    checkpoints: tuple[Checkpoint, ...] = field(default=(), converter=_steps)
    paused_from: TaskStatus | None = None
    started_at: datetime | None = None
    done_at: datetime | None = None
    updated_by: str = ""
    version: int = 1

    def changed(self, at: datetime, by: str, **changes: object) -> Task:
        """A copy with `changes`, stamped and one version on."""
        return evolve(self, updated_at=at, updated_by=by, version=self.version + 1, **changes)  # type: ignore[arg-type]

    @property
    def derived_progress(self) -> int | None:
        """Progress implied by checkpoints, or None when the task has none."""
        if not self.checkpoints:
            return None
        done = sum(1 for c in self.checkpoints if c.done)
        return round(100 * done / len(self.checkpoints))
