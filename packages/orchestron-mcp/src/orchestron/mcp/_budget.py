"""Reply shaping: compact JSON, one short line per task, and a size budget.

Every reply is one compact JSON object. No reply goes over `REPLY_BUDGET` bytes
unless the caller passed `verbose`: long text is cut first, then lists are cut,
and the reply says what was cut and how to see the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from orchestron.core import Task
from orchestron.core.errors import InvalidInputError

__all__ = [
    "LIST_FIELDS",
    "REPLY_BUDGET",
    "dumps",
    "parse_fields",
    "shape",
    "task_brief",
    "task_detail",
    "task_fields",
    "task_line",
]

REPLY_BUDGET = 8 * 1024
"""Bytes of JSON a reply may take unless the caller asks for more."""

TITLE_IN_LINE = 80
TEXT_CUT = 600

LIST_FIELDS = (
    "id",
    "title",
    "type",
    "status",
    "priority",
    "progress",
    "parent",
    "labels",
    "estimate",
    "sprint",
    "assignee",
    "claimedBy",
    "version",
    "createdAt",
    "updatedAt",
    "description",
    "checkpoints",
)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_default)


def _default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"cannot put {type(value).__name__} in a reply")


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split()) if limit <= TITLE_IN_LINE else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


def task_line(task: Task) -> str:
    """`TASK-007 IN_PROGRESS HIGH 40% Build the API @claude-1`: a task in one short line."""
    parts = [task.id, task.status.value, task.priority.value, f"{task.progress}%"]
    if task.type.value != "TASK":
        parts.append(task.type.value)
    parts.append(_clip(task.title, TITLE_IN_LINE))
    if task.assignee or task.claimed_by:
        parts.append(f"@{task.assignee or task.claimed_by}")
    return " ".join(parts)


def checkpoint_lines(task: Task) -> list[str]:
    return [
        f"{'[x]' if c.done else '[ ]'} {i}. {c.title}" for i, c in enumerate(task.checkpoints, 1)
    ]


def task_brief(task: Task) -> dict[str, Any]:
    """What a write returns: enough to go on, including the version for the next write."""
    out: dict[str, Any] = {
        "id": task.id,
        "status": task.status.value,
        "progress": task.progress,
        "version": task.version,
    }
    if task.claimed_by:
        out["claimedBy"] = task.claimed_by
    return out


def task_detail(
    task: Task,
    *,
    depends_on: Sequence[str] = (),
    dependents: Sequence[str] = (),
    blockers: Sequence[str] = (),
) -> dict[str, Any]:
    """A task in full, leaving out what is empty."""
    out: dict[str, Any] = {
        "id": task.id,
        "title": task.title,
        "type": task.type.value,
        "status": task.status.value,
        "priority": task.priority.value,
        "progress": task.progress,
        "version": task.version,
    }
    optional: dict[str, Any] = {
        "description": task.description,
        "parent": task.parent,
        "labels": list(task.labels),
        "estimate": task.estimate,
        "sprint": task.sprint,
        "assignee": task.assignee,
        "claimedBy": task.claimed_by,
        "checkpoints": checkpoint_lines(task),
        "dependsOn": list(depends_on),
        "dependents": list(dependents),
        "blockedBy": list(blockers),
        "pausedFrom": task.paused_from.value if task.paused_from else None,
        "startedAt": task.started_at,
        "doneAt": task.done_at,
        "updatedAt": task.updated_at,
        "updatedBy": task.updated_by,
    }
    out.update({k: v for k, v in optional.items() if v not in (None, "", [])})
    return out


def task_fields(task: Task, fields: Sequence[str]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": task.id,
        "title": task.title,
        "type": task.type.value,
        "status": task.status.value,
        "priority": task.priority.value,
        "progress": task.progress,
        "parent": task.parent,
        "labels": list(task.labels),
        "estimate": task.estimate,
        "sprint": task.sprint,
        "assignee": task.assignee,
        "claimedBy": task.claimed_by,
        "version": task.version,
        "createdAt": task.created_at,
        "updatedAt": task.updated_at,
        "description": task.description,
        "checkpoints": checkpoint_lines(task),
    }
    return {f: values[f] for f in fields}


def parse_fields(value: str | Sequence[str] | None) -> list[str] | None:
    """`"id,title"` or `["id","title"]` to a checked list; None for the default line."""
    if value is None:
        return None
    raw: Iterable[str] = value.split(",") if isinstance(value, str) else value
    lowered = {f.lower(): f for f in LIST_FIELDS}
    out: list[str] = []
    for item in raw:
        name = item.strip()
        if not name:
            continue
        canonical = lowered.get(name.lower().replace("_", ""))
        if canonical is None:
            raise InvalidInputError(
                "fields", f"{name!r} is not a field; choose from " + ", ".join(LIST_FIELDS)
            )
        if canonical not in out:
            out.append(canonical)
    if not out:
        return None
    if "id" not in out:
        out.insert(0, "id")
    return out


def shape(reply: Mapping[str, Any], *, verbose: bool = False, budget: int = REPLY_BUDGET) -> str:
    """The reply as compact JSON, cut to the budget unless `verbose`."""
    text = dumps(reply)
    if verbose or len(text.encode()) <= budget:
        return text
    cut = _cut_texts(dict(reply), TEXT_CUT)
    text = dumps(cut)
    if len(text.encode()) <= budget:
        return text
    return dumps(_cut_lists(cut, budget))


def _cut_texts(value: Any, limit: int) -> Any:
    if isinstance(value, str):
        return _clip(value, limit)
    if isinstance(value, Mapping):
        out = {k: _cut_texts(v, limit) for k, v in value.items()}
        return out
    if isinstance(value, list | tuple):
        return [_cut_texts(v, limit) for v in value]
    return value


def _cut_lists(reply: dict[str, Any], budget: int) -> dict[str, Any]:
    """Halve the longest list until the reply fits; say what was cut."""
    out = dict(reply)
    notes: list[str] = []
    for _ in range(64):
        if len(dumps(out).encode()) <= budget:
            break
        lists = [(k, v) for k, v in out.items() if isinstance(v, list) and len(v) > 1]
        if not lists:
            out = {k: _cut_texts(v, 120) for k, v in out.items()}
            notes.append("long text cut")
            if len(dumps(out).encode()) > budget:
                out = {k: v for k, v in out.items() if not isinstance(v, dict | list)}
                notes.append("nested data left out")
                break
            continue
        key, items = max(lists, key=lambda kv: len(dumps(kv[1])))
        keep = len(items) // 2
        out[key] = items[:keep]
        out[f"{key}Omitted"] = len(items) - keep + int(out.get(f"{key}Omitted", 0))
    if notes or any(k.endswith("Omitted") for k in out):
        out["truncated"] = "reply cut to 8 KB; pass verbose=true (or a smaller limit) to see all"
    return out
