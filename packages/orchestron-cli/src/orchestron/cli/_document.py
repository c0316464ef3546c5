"""The export document: a pure mapping between a project's contents and JSON.

No I/O here. `to_document` orders every section deterministically, so the
same project always exports to the same bytes; `from_document` checks the
format and names the section and index of anything it cannot read. The
format is described in docs/export-format.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from cattrs.errors import BaseValidationError

from orchestron.core import (
    ContextRecord,
    Event,
    Handoff,
    HumanRequest,
    InvalidInputError,
    MemoryEntry,
    Message,
    Session,
    Sprint,
    Task,
    check_records,
    from_jsonable,
    to_jsonable,
)
from orchestron.runtime import Contents

__all__ = ["FORMAT", "VERSION", "Contents", "from_document", "to_document"]

FORMAT = "orchestron-export"
VERSION = 1

T = TypeVar("T")


def to_document(contents: Contents) -> dict[str, Any]:
    c = contents.sorted()
    return {
        "format": FORMAT,
        "version": VERSION,
        "counters": c.counters(),
        "tasks": [to_jsonable(t) for t in c.tasks],
        "dependencies": [{"task": a, "depends_on": b} for a, b in c.dependencies],
        "sprints": [to_jsonable(s) for s in c.sprints],
        "sessions": [to_jsonable(s) for s in c.sessions],
        "contexts": [to_jsonable(x) for x in c.contexts],
        "handoffs": [to_jsonable(h) for h in c.handoffs],
        "requests": [to_jsonable(r) for r in c.requests],
        "messages": [to_jsonable(m) for m in c.messages],
        "events": [to_jsonable(e) for e in c.events],
        "memory": [to_jsonable(e) for e in c.memory],
    }


def from_document(data: object) -> tuple[Contents, dict[str, int]]:
    """The contents and counters of a document; InvalidInputError names what is wrong."""
    if not isinstance(data, dict):
        raise InvalidInputError("document", "must be a JSON object made by `orchestron export`")
    if data.get("format") != FORMAT:
        raise InvalidInputError(
            "format", f"is {data.get('format')!r}, not {FORMAT!r}: not an Orchestron export"
        )
    version = data.get("version")
    if version != VERSION:
        raise InvalidInputError(
            "version", f"{version!r} is not supported; this Orchestron reads version {VERSION}"
        )
    contents = Contents(
        tasks=_section(data, "tasks", lambda v: from_jsonable(v, Task)),
        dependencies=_section(data, "dependencies", _edge),
        sprints=_section(data, "sprints", lambda v: from_jsonable(v, Sprint)),
        sessions=_section(data, "sessions", lambda v: from_jsonable(v, Session)),
        contexts=_section(data, "contexts", lambda v: from_jsonable(v, ContextRecord)),
        handoffs=_section(data, "handoffs", lambda v: from_jsonable(v, Handoff)),
        requests=_section(data, "requests", lambda v: from_jsonable(v, HumanRequest)),
        messages=_section(data, "messages", lambda v: from_jsonable(v, Message)),
        events=_section(data, "events", lambda v: from_jsonable(v, Event)),
        memory=_section(data, "memory", lambda v: from_jsonable(v, MemoryEntry)),
    )
    raw = data.get("counters", {})
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and v >= 0 for k, v in raw.items()
    ):
        raise InvalidInputError("counters", "must map id prefixes to whole numbers")
    found = contents.counters()
    merged = {k: max(found.get(k, 0), raw.get(k, 0)) for k in sorted({*found, *raw})}
    # The checks every other door runs, on whole records: a file gets no way around them.
    check_records(**contents.sections(), counters=merged)
    return contents, merged


def _edge(value: object) -> tuple[str, str]:
    if not isinstance(value, dict):
        raise TypeError("must be an object with task and depends_on")
    task, dep = value.get("task"), value.get("depends_on")
    if not isinstance(task, str) or not isinstance(dep, str):
        raise TypeError("needs task and depends_on ids")
    return task, dep


def _section(data: dict[str, Any], name: str, read: Callable[[Any], T]) -> list[T]:
    items = data.get(name, [])
    if not isinstance(items, list):
        raise InvalidInputError(name, "must be a list")
    out = []
    for i, item in enumerate(items):
        try:
            out.append(read(item))
        except (BaseValidationError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise InvalidInputError(f"{name}[{i}]", _reason(exc)) from None
    return out


def _reason(exc: Exception) -> str:
    inner = getattr(exc, "exceptions", None)
    if inner:
        return _reason(inner[0])
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0]
