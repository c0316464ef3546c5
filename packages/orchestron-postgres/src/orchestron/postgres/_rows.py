"""Rows to domain objects and back, and the id order the reference uses."""

from __future__ import annotations

import json
from typing import Any, TypeVar

import asyncpg

from orchestron.core.domain.enums import Priority, SessionStatus, TaskStatus, TaskType
from orchestron.core.domain.ids import id_sort_key
from orchestron.core.domain.session import Session
from orchestron.core.domain.task import Checkpoint, Task
from orchestron.core.serialize import from_jsonable, to_jsonable

__all__ = [
    "TASK_COLUMNS",
    "dump",
    "id_key",
    "id_parts",
    "load",
    "session_args",
    "session_from_row",
    "task_args",
    "task_from_row",
]

T = TypeVar("T")

TASK_COLUMNS = (
    "id, id_head, id_num, title, description, type, status, priority, priority_rank, "
    "progress, parent, labels, estimate, sprint, assignee, claimed_by, checkpoints, "
    "paused_from, started_at, done_at, created_at, updated_at, updated_by, version"
)


def id_key(ident: str) -> tuple[str, int, str]:
    """`TASK-9` sorts before `TASK-10`; ids without a number sort first in their group."""
    return id_sort_key(ident)


def id_parts(ident: str) -> tuple[str, int]:
    head, num, _ = id_key(ident)
    return head, num


def dump(value: Any) -> str:
    """JSON text for a `json` column."""
    return json.dumps(to_jsonable(value), ensure_ascii=False, allow_nan=False)


def load(text: str, cls: type[T]) -> T:
    return from_jsonable(json.loads(text), cls)


def task_args(task: Task) -> tuple[Any, ...]:
    """Values for TASK_COLUMNS, in order."""
    head, num = id_parts(task.id)
    return (
        task.id,
        head,
        num,
        task.title,
        task.description,
        task.type.value,
        task.status.value,
        task.priority.value,
        task.priority.rank,
        task.progress,
        task.parent,
        list(task.labels),
        task.estimate,
        task.sprint,
        task.assignee,
        task.claimed_by,
        dump(task.checkpoints),
        task.paused_from.value if task.paused_from is not None else None,
        task.started_at,
        task.done_at,
        task.created_at,
        task.updated_at,
        task.updated_by,
        task.version,
    )


def task_from_row(row: asyncpg.Record) -> Task:
    paused = row["paused_from"]
    return Task(
        id=row["id"],
        title=row["title"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        description=row["description"],
        type=TaskType(row["type"]),
        status=TaskStatus(row["status"]),
        priority=Priority(row["priority"]),
        progress=row["progress"],
        parent=row["parent"],
        labels=tuple(row["labels"]),
        estimate=row["estimate"],
        sprint=row["sprint"],
        assignee=row["assignee"],
        claimed_by=row["claimed_by"],
        checkpoints=load(row["checkpoints"], tuple[Checkpoint, ...]),
        paused_from=TaskStatus(paused) if paused is not None else None,
        started_at=row["started_at"],
        done_at=row["done_at"],
        updated_by=row["updated_by"],
        version=row["version"],
    )


def session_args(session: Session) -> tuple[Any, ...]:
    return (
        session.id,
        session.agent_id,
        session.started_at,
        session.last_seen,
        session.lease_expires,
        session.status.value,
        session.ended_at,
        session.client,
        session.version,
    )


def session_from_row(row: asyncpg.Record) -> Session:
    return Session(
        id=row["id"],
        agent_id=row["agent_id"],
        started_at=row["started_at"],
        last_seen=row["last_seen"],
        lease_expires=row["lease_expires"],
        status=SessionStatus(row["status"]),
        ended_at=row["ended_at"],
        client=row["client"],
        version=row["version"],
    )
