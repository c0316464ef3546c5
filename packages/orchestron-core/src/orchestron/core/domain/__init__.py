"""Pure data and rules of the domain."""

from orchestron.core.domain.compress import DEFAULT_BUDGET, MIN_BUDGET, compress
from orchestron.core.domain.context import CONTEXT_FIELDS, Context, context_size
from orchestron.core.domain.enums import (
    HandoffStatus,
    MessageKind,
    Priority,
    RequestKind,
    RequestStatus,
    SessionStatus,
    SprintStatus,
    TaskStatus,
    TaskType,
    Urgency,
    parse_enum,
)
from orchestron.core.domain.event import Event
from orchestron.core.domain.handoff import ContextRecord, Handoff
from orchestron.core.domain.human import HumanRequest, Message, Notification
from orchestron.core.domain.notifications import NotificationKind, compute_urgency
from orchestron.core.domain.resume import ResumeKind, ResumePackage
from orchestron.core.domain.rules import DEFAULT_RULES, GUARDS, PREVIOUS, Rule, RuleSet
from orchestron.core.domain.session import Session
from orchestron.core.domain.sprint import Sprint
from orchestron.core.domain.task import Checkpoint, Task, format_id

__all__ = [
    "CONTEXT_FIELDS",
    "DEFAULT_BUDGET",
    "DEFAULT_RULES",
    "GUARDS",
    "MIN_BUDGET",
    "PREVIOUS",
    "Checkpoint",
    "Context",
    "ContextRecord",
    "Event",
    "Handoff",
    "HandoffStatus",
    "HumanRequest",
    "Message",
    "MessageKind",
    "Notification",
    "NotificationKind",
    "Priority",
    "RequestKind",
    "RequestStatus",
    "ResumeKind",
    "ResumePackage",
    "Rule",
    "RuleSet",
    "Session",
    "SessionStatus",
    "Sprint",
    "SprintStatus",
    "Task",
    "TaskStatus",
    "TaskType",
    "Urgency",
    "compress",
    "compute_urgency",
    "context_size",
    "format_id",
    "parse_enum",
]
