"""Orchestron core: the pure domain, the use cases and the ports.

No I/O happens here: storage, time and notifications come in through
`orchestron.core.ports`. Doors build an `Orchestron` over real adapters; tests
build it over the fakes in `orchestron.core.testing`.
"""

from orchestron.core.config import DEFAULT_CONFIG_TOML, ProjectConfig, WebhookConfig
from orchestron.core.domain import *
from orchestron.core.domain import __all__ as _domain_all
from orchestron.core.errors import (
    Act,
    ConflictError,
    CycleError,
    ForbiddenError,
    Hint,
    InvalidInputError,
    NotFoundError,
    OrchestronError,
    StorageError,
    hint,
    rendered,
)
from orchestron.core.ports import Embedder, MemoryFilter, ReadyTask, TaskFilter
from orchestron.core.serialize import from_jsonable, to_jsonable
from orchestron.core.services import (
    INDEX_BUDGET,
    UNSET,
    Choice,
    DisputeResolution,
    MemoryPage,
    Orchestron,
    RememberResult,
    Settings,
    StaleEntry,
    TaskChanged,
    check_agent_id,
    check_records,
    check_session_id,
    checked_fields,
    normalise_id,
)

__all__ = [  # noqa: PLE0604
    *_domain_all,
    "DEFAULT_CONFIG_TOML",
    "INDEX_BUDGET",
    "Act",
    "UNSET",
    "Choice",
    "ConflictError",
    "CycleError",
    "DisputeResolution",
    "ForbiddenError",
    "Hint",
    "InvalidInputError",
    "Embedder",
    "MemoryFilter",
    "MemoryPage",
    "NotFoundError",
    "Orchestron",
    "OrchestronError",
    "ProjectConfig",
    "ReadyTask",
    "RememberResult",
    "Settings",
    "StaleEntry",
    "StorageError",
    "TaskChanged",
    "TaskFilter",
    "WebhookConfig",
    "from_jsonable",
    "hint",
    "rendered",
    "normalise_id",
    "to_jsonable",
    "check_agent_id",
    "check_records",
    "check_session_id",
    "checked_fields",
]
