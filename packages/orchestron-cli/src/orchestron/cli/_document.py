"""The export document: a pure mapping between a project's contents and JSON.

No I/O here. `to_document` orders every section deterministically, so the
same project always exports to the same bytes; `from_document` checks the
format and names the section and index of anything it cannot read. The
format is described in docs/export-format.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from attrs import define, field
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
from orchestron.core.domain.ids import id_number, id_sort_key

__all__ = ["FORMAT", "VERSION", "Contents", "counters", "from_document", "to_document"]

FORMAT = "orchestron-export"
VERSION = 1
_SEQUENTIAL_ID = re.compile(r"^([A-Z]+)-(\d+)$")

T = TypeVar("T")


@define
class Contents:
    """Everything a project holds, as domain objects."""

    tasks: list[Task] = field(factory=list)
    dependencies: list[tuple[str, str]] = field(factory=list)
    sprints: list[Sprint] = field(factory=list)
    sessions: list[Session] = field(factory=list)
    contexts: list[ContextRecord] = field(factory=list)
    handoffs: list[Handoff] = field(factory=list)
    requests: list[HumanRequest] = field(factory=list)
    messages: list[Message] = field(factory=list)
    events: list[Event] = field(factory=list)
    memory: list[MemoryEntry] = field(factory=list)

    def sizes(self) -> dict[str, int]:
        return {
            "tasks": len(self.tasks),
            "dependencies": len(self.dependencies),
            "sprints": len(self.sprints),
            "sessions": len(self.sessions),
            "contexts": len(self.contexts),
            "handoffs": len(self.handoffs),
            "requests": len(self.requests),
            "messages": len(self.messages),
            "events": len(self.events),
            "memory": len(self.memory),
        }


def id_key(ident: str) -> tuple[str, int, str]:
    """`TASK-9` before `TASK-10`; other ids in text order."""
    return id_sort_key(ident)


def counters(contents: Contents) -> dict[str, int]:
    """The highest number used by each id sequence (`TASK`, `SPRINT`, ...)."""
    ids: Iterable[str] = (
        *(t.id for t in contents.tasks),
        *(s.id for s in contents.sprints),
        *(s.id for s in contents.sessions),
        *(h.id for h in contents.handoffs),
        *(r.id for r in contents.requests),
        *(m.id for m in contents.messages),
        *(e.id for e in contents.memory),
    )
    out: dict[str, int] = {}
    for ident in ids:
        match = _SEQUENTIAL_ID.match(ident)
        number = id_number(ident) if match else None
        if match and number is not None:
            prefix = match.group(1)
            out[prefix] = max(out.get(prefix, 0), number)
    return dict(sorted(out.items()))


def sort_contents(c: Contents) -> Contents:
    """Each section in its canonical order."""
    return Contents(
        tasks=sorted(c.tasks, key=lambda t: id_key(t.id)),
        dependencies=sorted(c.dependencies, key=lambda e: (id_key(e[0]), id_key(e[1]))),
        sprints=sorted(c.sprints, key=lambda s: id_key(s.id)),
        sessions=sorted(c.sessions, key=lambda s: (s.started_at, s.id)),
        contexts=sorted(c.contexts, key=lambda x: (x.id or 0, x.saved_at)),
        handoffs=sorted(c.handoffs, key=lambda h: (h.created_at, id_key(h.id))),
        requests=sorted(c.requests, key=lambda r: (r.created_at, id_key(r.id))),
        messages=sorted(c.messages, key=lambda m: (m.created_at, id_key(m.id))),
        events=sorted(c.events, key=lambda e: e.seq or 0),
        memory=sorted(c.memory, key=lambda e: id_key(e.id)),
    )


def to_document(contents: Contents) -> dict[str, Any]:
    c = sort_contents(contents)
    return {
        "format": FORMAT,
        "version": VERSION,
        "counters": counters(c),
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
    found = counters(contents)
    merged = {k: max(found.get(k, 0), raw.get(k, 0)) for k in sorted({*found, *raw})}
    # The checks every other door runs, on whole records: a file gets no way around them.
    check_records(**{name: getattr(contents, name) for name in contents.sizes()}, counters=merged)
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
