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
from orchestron.core.domain.event import Event, event_summary
from orchestron.core.domain.handoff import ContextRecord, Handoff
from orchestron.core.domain.human import HumanRequest, Message, Notification
from orchestron.core.domain.ids import MAX_NUMBER, as_id, id_sort_key, parse_count, parse_id
from orchestron.core.domain.judge import Judged, Verdict, judge
from orchestron.core.domain.memory import (
    MAX_MEMORY_TEXT,
    MemoryEntry,
    MemoryKind,
    MemoryStatus,
    Provenance,
    normalise_topic,
)
from orchestron.core.domain.moves import EVENT_WORDS, move_hints, moved_by
from orchestron.core.domain.notifications import NotificationKind, compute_urgency
from orchestron.core.domain.recall import Focus
from orchestron.core.domain.resume import ResumeKind, ResumePackage
from orchestron.core.domain.rules import DEFAULT_RULES, GUARDS, PREVIOUS, Rule, RuleSet
from orchestron.core.domain.session import Session
from orchestron.core.domain.sprint import Sprint
from orchestron.core.domain.task import Checkpoint, Task, format_id
from orchestron.core.domain.vectors import Vector
from orchestron.core.domain.words import plural

__all__ = [
    "CONTEXT_FIELDS",
    "DEFAULT_BUDGET",
    "DEFAULT_RULES",
    "EVENT_WORDS",
    "GUARDS",
    "MAX_MEMORY_TEXT",
    "MAX_NUMBER",
    "MIN_BUDGET",
    "PREVIOUS",
    "Checkpoint",
    "Context",
    "ContextRecord",
    "Event",
    "Focus",
    "Handoff",
    "HandoffStatus",
    "HumanRequest",
    "Judged",
    "MemoryEntry",
    "MemoryKind",
    "MemoryStatus",
    "Message",
    "MessageKind",
    "Notification",
    "NotificationKind",
    "Priority",
    "Provenance",
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
    "Vector",
    "Verdict",
    "as_id",
    "compress",
    "compute_urgency",
    "context_size",
    "event_summary",
    "format_id",
    "id_sort_key",
    "judge",
    "move_hints",
    "moved_by",
    "normalise_topic",
    "parse_count",
    "parse_enum",
    "parse_id",
    "plural",
]
