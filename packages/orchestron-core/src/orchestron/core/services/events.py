"""Domain events: what one area of use cases tells the others, through the bus.

Each is published by the area where it happens and handled in another, by the
handlers `bootstrap` registers; the area that publishes knows nothing of them.
"""

from __future__ import annotations

from attrs import frozen

from orchestron.core.domain.human import HumanRequest, Notification
from orchestron.core.domain.task import Task

__all__ = ["AnswerGiven", "Committed", "SessionWrappingUp", "TaskStatusMoved"]


@frozen
class TaskStatusMoved:
    """A task's status changed (after the task area's own follow-ups: dependents
    that became ready, parents rolled up)."""

    before: Task
    after: Task


@frozen
class SessionWrappingUp:
    """A session ends, lapses or hands its work on: what it decided is worth keeping."""

    session_id: str


@frozen
class AnswerGiven:
    """A person answers an open request, before the human area records the answer.

    The area a request belongs to may record it its own way (a memory dispute is
    settled, and the outcome is the answer); if no handler did, the human area
    records it as given.
    """

    request: HumanRequest
    answer: str


@frozen
class Committed:
    """A unit of work has committed (published after the commit, outside it), with
    what it put in the outbox (id, notification)."""

    queued: tuple[tuple[int, Notification], ...] = ()
