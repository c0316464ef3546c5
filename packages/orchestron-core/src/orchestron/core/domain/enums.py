"""The closed vocabularies of the domain."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from orchestron.core.errors import InvalidInputError

__all__ = [
    "HandoffStatus",
    "MessageKind",
    "Priority",
    "RequestKind",
    "RequestStatus",
    "SessionStatus",
    "SprintStatus",
    "TaskStatus",
    "TaskType",
    "Urgency",
    "parse_enum",
]


class TaskType(StrEnum):
    EPIC = "EPIC"
    STORY = "STORY"
    TASK = "TASK"
    BUG = "BUG"
    SPIKE = "SPIKE"


class TaskStatus(StrEnum):
    TODO = "TODO"
    IN_PROGRESS = "IN_PROGRESS"
    IN_REVIEW = "IN_REVIEW"
    DONE = "DONE"
    BLOCKED = "BLOCKED"
    PAUSED = "PAUSED"
    CANCELLED = "CANCELLED"

    @property
    def finished(self) -> bool:
        return self in (TaskStatus.DONE, TaskStatus.CANCELLED)


class Priority(StrEnum):
    CRITICAL = "CRITICAL"
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"

    @property
    def rank(self) -> int:
        """0 is most urgent."""
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.CRITICAL: 0, Priority.HIGH: 1, Priority.MEDIUM: 2, Priority.LOW: 3}


class SprintStatus(StrEnum):
    PLANNED = "PLANNED"
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


class SessionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    ENDED = "ENDED"
    ABANDONED = "ABANDONED"


class HandoffStatus(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"


class RequestKind(StrEnum):
    """What an agent asks a person for."""

    CLARIFICATION = "CLARIFICATION"
    HELP = "HELP"
    APPROVAL = "APPROVAL"


class RequestStatus(StrEnum):
    OPEN = "OPEN"
    ANSWERED = "ANSWERED"
    WITHDRAWN = "WITHDRAWN"


class Urgency(StrEnum):
    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"

    @property
    def rank(self) -> int:
        """0 is most urgent."""
        return _URGENCY_RANK[self]


_URGENCY_RANK = {Urgency.CRITICAL: 0, Urgency.HIGH: 1, Urgency.NORMAL: 2, Urgency.LOW: 3}


class MessageKind(StrEnum):
    """What a person says to an agent."""

    ANSWER = "ANSWER"
    INTERVENTION = "INTERVENTION"
    PAUSE = "PAUSE"
    RESUME = "RESUME"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    PRIORITY = "PRIORITY"
    NOTICE = "NOTICE"


E = TypeVar("E", bound=StrEnum)


def parse_enum(enum: type[E], value: object, field: str) -> E:
    """Accept a member or its name in any case; name the field and the choices otherwise."""
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        key = value.strip().upper().replace("-", "_").replace(" ", "_")
        try:
            return enum(key)
        except ValueError:
            pass
    choices = ", ".join(m.value for m in enum)
    raise InvalidInputError(field, f"{value!r} is not one of {choices}")
