"""Reads the pages and the API share: the board, a task in full, the graph.

Every read goes through the `Orchestron` facade, as the CLI's and the MCP
server's do, so the dashboard sees what they see: a session whose lease lapsed
is let go (its tasks released) before anything is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from attrs import frozen
from litestar.di import NamedDependency

from orchestron.core import (
    HumanRequest,
    Orchestron,
    Priority,
    RequestStatus,
    Sprint,
    Task,
    TaskFilter,
    TaskStatus,
    TaskType,
    normalise_id,
    parse_enum,
)

__all__ = [
    "BOARD_COLUMNS",
    "Board",
    "BoardFilter",
    "Column",
    "Orch",
    "board",
    "parse_filter",
    "status_filter",
    "task_requests",
]

BOARD_COLUMNS: tuple[TaskStatus, ...] = (
    TaskStatus.TODO,
    TaskStatus.IN_PROGRESS,
    TaskStatus.BLOCKED,
    TaskStatus.PAUSED,
    TaskStatus.IN_REVIEW,
    TaskStatus.DONE,
)
# CANCELLED is a column only when asked for (the board's "cancelled" filter).
WITH_CANCELLED: tuple[TaskStatus, ...] = (*BOARD_COLUMNS, TaskStatus.CANCELLED)
CARDS_PER_COLUMN = 40

# How handlers ask for the app's one Orchestron (provided as `orch` in create_app).
Orch = NamedDependency[Orchestron]


async def task_requests(orch: Orchestron, task_id: str) -> list[HumanRequest]:
    """Every request about the task, of any kind (questions, calls for help, approvals),
    open ones first, then oldest first."""
    found = await orch.requests_for(task_id)
    return sorted(found, key=lambda r: (r.status is not RequestStatus.OPEN, r.created_at))


def _split(raw: str | None) -> list[str]:
    return [p.strip() for p in (raw or "").split(",") if p.strip()]


def parse_filter(
    *,
    status: str | None = None,
    type: str | None = None,
    priority: str | None = None,
    sprint: str | None = None,
    label: str | None = None,
    assignee: str | None = None,
    parent: str | None = None,
    claimed_by: str | None = None,
    q: str | None = None,
) -> TaskFilter:
    """A TaskFilter from query strings; lists are comma separated; bad values name the field."""
    # Built from a mapping: TaskFilter's tuple converters confuse mypy's attrs plugin.
    values: dict[str, Any] = {
        "statuses": tuple(parse_enum(TaskStatus, s, "status") for s in _split(status)),
        "types": tuple(parse_enum(TaskType, s, "type") for s in _split(type)),
        "priorities": tuple(parse_enum(Priority, s, "priority") for s in _split(priority)),
    }
    return TaskFilter(
        **values,
        sprint=_id(sprint),
        label=label.strip().lower() if label and label.strip() else None,
        assignee=assignee.strip() if assignee and assignee.strip() else None,
        parent=_id(parent),
        claimed_by=claimed_by.strip() if claimed_by and claimed_by.strip() else None,
        text=q.strip() if q and q.strip() else None,
    )


def status_filter(statuses: Sequence[TaskStatus], **others: Any) -> TaskFilter:
    """`TaskFilter(statuses=...)` in a form mypy accepts (its attrs converter confuses it)."""
    values: dict[str, Any] = {"statuses": tuple(statuses), **others}
    return TaskFilter(**values)


def _id(value: str | None) -> str | None:
    return normalise_id(value) if value and value.strip() else None


@frozen
class BoardFilter:
    sprint: str | None = None
    label: str | None = None
    assignee: str | None = None
    q: str | None = None
    cancelled: bool = False

    def task_filter(self, status: TaskStatus) -> TaskFilter:
        base = parse_filter(sprint=self.sprint, label=self.label, assignee=self.assignee, q=self.q)
        return status_filter(
            (status,), sprint=base.sprint, label=base.label, assignee=base.assignee, text=base.text
        )

    def query(self, **override: str | None) -> str:
        from urllib.parse import urlencode

        values: dict[str, Any] = {
            "sprint": self.sprint,
            "label": self.label,
            "assignee": self.assignee,
            "q": self.q,
            "cancelled": "1" if self.cancelled else None,
            **override,
        }
        return urlencode({k: v for k, v in values.items() if v})

    @property
    def active(self) -> bool:
        return any((self.sprint, self.label, self.assignee, self.q, self.cancelled))

    @property
    def statuses(self) -> tuple[TaskStatus, ...]:
        return WITH_CANCELLED if self.cancelled else BOARD_COLUMNS


@frozen
class Column:
    status: TaskStatus
    tasks: Sequence[Task]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.tasks)


@frozen
class Board:
    columns: Sequence[Column]
    sprints: Sequence[Sprint]
    active_sprint: Sprint | None
    filter: BoardFilter
    live_sessions: frozenset[str] = frozenset()
    """Ids of the sessions at work now: a card held by one shows its agent as live."""
    cancelled: int = 0
    """How many tasks the filter's "cancelled" box would add (shown beside it)."""

    @property
    def total(self) -> int:
        return sum(c.total for c in self.columns)


async def board(orch: Orchestron, flt: BoardFilter, *, per_column: int = CARDS_PER_COLUMN) -> Board:
    """Tasks by status column: the first `per_column` of each, and how many there are."""
    columns = []
    for status in flt.statuses:
        tf = flt.task_filter(status)
        tasks = await orch.list_tasks(tf, limit=per_column)
        total = len(tasks) if len(tasks) < per_column else await orch.count_tasks(tf)
        columns.append(Column(status=status, tasks=tasks, total=total))
    cancelled = next((c.total for c in columns if c.status is TaskStatus.CANCELLED), None)
    if cancelled is None:
        cancelled = await orch.count_tasks(flt.task_filter(TaskStatus.CANCELLED))
    sprints = await orch.list_sprints()
    active = next((s for s in sprints if s.status.value == "ACTIVE"), None)
    live = frozenset(s.id for s in await orch.list_sessions(active_only=True))
    return Board(
        columns=columns,
        sprints=sprints,
        active_sprint=active,
        filter=flt,
        live_sessions=live,
        cancelled=cancelled,
    )
