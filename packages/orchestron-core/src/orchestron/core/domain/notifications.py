"""What Orchestron tells people, and how urgent it is.

Urgency, when an agent does not give one, is computed here from facts the
store already holds, so the same request always gets the same urgency and a
person can predict the order of their inbox.
"""

from __future__ import annotations

from enum import StrEnum

from orchestron.core.domain.enums import Priority, RequestKind, Urgency

__all__ = ["NotificationKind", "compute_urgency"]


class NotificationKind(StrEnum):
    """The kinds of Notification; webhooks may subscribe to a subset by these names."""

    INTERVENTION_NEEDED = "INTERVENTION_NEEDED"
    CLARIFICATION_REQUESTED = "CLARIFICATION_REQUESTED"
    REVIEW_REQUESTED = "REVIEW_REQUESTED"
    TASK_PAUSED = "TASK_PAUSED"
    TASK_RESUMED = "TASK_RESUMED"
    TASK_DONE = "TASK_DONE"


# Points per factor; the sum maps to an urgency below. An agent that is stuck
# (HELP) weighs more than one that wants a word or a yes.
_KIND_POINTS = {RequestKind.HELP: 2, RequestKind.CLARIFICATION: 1, RequestKind.APPROVAL: 1}
_PRIORITY_POINTS = {Priority.CRITICAL: 3, Priority.HIGH: 2, Priority.MEDIUM: 1, Priority.LOW: 0}


def _blocked_points(blocks: int) -> int:
    if blocks >= 3:
        return 2
    return 1 if blocks >= 1 else 0


def compute_urgency(kind: RequestKind, priority: Priority | None, blocks: int = 0) -> Urgency:
    """The urgency of a request nobody rated.

    Score = kind (HELP 2, CLARIFICATION 1, APPROVAL 1)
          + task priority (CRITICAL 3, HIGH 2, MEDIUM 1, LOW 0; no task counts as MEDIUM)
          + what waits on the task (transitive dependents: none 0, 1-2 1, 3 or more 2).
    6 or more is CRITICAL, 4-5 HIGH, 2-3 NORMAL, 0-1 LOW. So a question on an
    ordinary task is NORMAL, a stuck agent on a critical task that holds up three
    others is CRITICAL, and a question on a low-priority leaf is LOW.
    """
    score = _KIND_POINTS[kind] + _PRIORITY_POINTS[priority or Priority.MEDIUM]
    score += _blocked_points(blocks)
    if score >= 6:
        return Urgency.CRITICAL
    if score >= 4:
        return Urgency.HIGH
    if score >= 2:
        return Urgency.NORMAL
    return Urgency.LOW
