"""Use cases over the ports: one service per area, a message bus between them, a facade."""

from orchestron.core.services._base import Caller, Ports, Service, Settings, Work, normalise_id
from orchestron.core.services.app import Orchestron
from orchestron.core.services.bootstrap import Services, bootstrap
from orchestron.core.services.bus import MessageBus
from orchestron.core.services.changes import TaskChanged
from orchestron.core.services.events import (
    AnswerGiven,
    Committed,
    SessionWrappingUp,
    TaskStatusMoved,
)
from orchestron.core.services.human import HumanService
from orchestron.core.services.memory import (
    DisputeResolution,
    MemoryService,
    RememberOutcome,
    RememberResult,
)
from orchestron.core.services.outbox import OutboxService
from orchestron.core.services.planning import Choice, explain_choice
from orchestron.core.services.recall import INDEX_BUDGET, MemoryPage, RecallService, StaleEntry
from orchestron.core.services.records import check_records
from orchestron.core.services.sessions import check_agent_id, check_session_id
from orchestron.core.services.tasks import UNSET, checked_fields

__all__ = [
    "INDEX_BUDGET",
    "UNSET",
    "AnswerGiven",
    "Caller",
    "Choice",
    "Committed",
    "DisputeResolution",
    "HumanService",
    "MemoryPage",
    "MemoryService",
    "MessageBus",
    "Orchestron",
    "OutboxService",
    "Ports",
    "RecallService",
    "RememberOutcome",
    "RememberResult",
    "Service",
    "Services",
    "SessionWrappingUp",
    "Settings",
    "StaleEntry",
    "TaskChanged",
    "TaskStatusMoved",
    "Work",
    "bootstrap",
    "check_agent_id",
    "check_records",
    "check_session_id",
    "checked_fields",
    "explain_choice",
    "normalise_id",
]
