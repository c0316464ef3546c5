"""Shapes of domain objects for the JSON API and the templates.

A task in a list is one short line of data by default (`LIST_FIELDS`); a
caller asks for more with `fields=a,b,c` or `fields=all`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from orchestron.core import Event, Task, to_jsonable
from orchestron.core.errors import InvalidInputError

__all__ = [
    "ALL_TASK_FIELDS",
    "LIST_FIELDS",
    "event_view",
    "parse_fields",
    "task_view",
    "topic_of",
]

LIST_FIELDS: tuple[str, ...] = ("id", "title", "status", "priority", "progress", "assignee")
ALL_TASK_FIELDS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Task))


def parse_fields(raw: str | None) -> tuple[str, ...]:
    """`None` gives the short list shape; `all` every field; else the named ones (id first)."""
    if raw is None or not raw.strip():
        return LIST_FIELDS
    if raw.strip().lower() == "all":
        return ALL_TASK_FIELDS
    wanted = [f.strip().lower() for f in raw.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in ALL_TASK_FIELDS]
    if unknown:
        raise InvalidInputError(
            "fields",
            f"unknown field {', '.join(unknown)}; choose from {', '.join(ALL_TASK_FIELDS)} or all",
        )
    return ("id", *[f for f in wanted if f != "id"])


def task_view(task: Task, fields: Sequence[str] = ALL_TASK_FIELDS) -> dict[str, Any]:
    data: dict[str, Any] = to_jsonable(task)
    return {f: data[f] for f in fields}


def event_view(event: Event) -> dict[str, Any]:
    data: dict[str, Any] = to_jsonable(event)
    return data


def topic_of(kind: str) -> str:
    """`task.status_changed` -> `task`: what part of the board an event touches."""
    return kind.split(".", 1)[0]


def topics(events: Iterable[Event]) -> list[str]:
    return sorted({topic_of(e.kind) for e in events})
