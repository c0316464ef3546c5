"""A task put in any status through the default workflow rules, for tests at every door."""

from __future__ import annotations

from orchestron.core.domain.enums import TaskStatus
from orchestron.core.domain.task import Task
from orchestron.core.services import Orchestron

__all__ = ["PATHS", "task_in"]

# The events that take a new task to each status under the default rules.
PATHS: dict[TaskStatus, tuple[str, ...]] = {
    TaskStatus.TODO: (),
    TaskStatus.IN_PROGRESS: ("task_started",),
    TaskStatus.IN_REVIEW: ("task_started", "tests_pass"),
    TaskStatus.DONE: ("task_started", "tests_pass", "review_approved"),
    TaskStatus.BLOCKED: ("task_started", "blocked_on_human"),
    TaskStatus.PAUSED: ("task_started", "task_paused"),
    TaskStatus.CANCELLED: ("task_cancelled",),
}


async def task_in(app: Orchestron, status: TaskStatus | str, title: str = "Build the API") -> Task:
    """A fresh task moved to `status` through the default rules."""
    wanted = TaskStatus(status)
    task = await app.create_task(title)
    for when in PATHS[wanted]:
        task = await app.transition(task.id, when)
    assert task.status is wanted
    return task
