"""Whole records checked by the rules the doors apply, for records that arrive whole.

An import (or any copy from a file) hands over finished records instead of
calling `create_task` and friends. `check_records` runs the same field checks
those use cases run (`check_title`, `check_progress`, `check_memory_text`, the
id parser, ...), plus what only a whole project can break: duplicate ids,
a parent or sprint that does not exist, a parent or dependency cycle, two
ACTIVE sprints. The first problem raises InvalidInputError naming the record
(`tasks[3] TASK-004.title`), so nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from orchestron.core.domain.enums import SprintStatus
from orchestron.core.domain.event import Event
from orchestron.core.domain.handoff import ContextRecord, Handoff
from orchestron.core.domain.human import HumanRequest, Message
from orchestron.core.domain.ids import parse_count, parse_id
from orchestron.core.domain.memory import (
    MemoryEntry,
    check_memory_text,
    check_rationale,
    normalise_topic,
)
from orchestron.core.domain.session import Session
from orchestron.core.domain.sprint import Sprint
from orchestron.core.domain.task import Task
from orchestron.core.domain.validation import (
    MAX_DESCRIPTION,
    check_estimate,
    check_labels,
    check_progress,
    check_text,
    check_title,
)
from orchestron.core.errors import InvalidInputError
from orchestron.core.services.delivery import MAX_MESSAGE
from orchestron.core.services.sessions import check_agent_id, check_session_id

__all__ = ["MAX_STEPS", "check_records"]

MAX_STEPS = 1_000_000
"""Highest version or id counter a record may carry: a store is stepped up to them one by one."""

R = TypeVar("R")


def check_records(
    *,
    tasks: Sequence[Task] = (),
    dependencies: Sequence[tuple[str, str]] = (),
    sprints: Sequence[Sprint] = (),
    sessions: Sequence[Session] = (),
    contexts: Sequence[ContextRecord] = (),
    handoffs: Sequence[Handoff] = (),
    requests: Sequence[HumanRequest] = (),
    messages: Sequence[Message] = (),
    events: Sequence[Event] = (),
    memory: Sequence[MemoryEntry] = (),
    counters: Mapping[str, int] | None = None,
) -> None:
    """Refuse (InvalidInputError) the first record any door would have refused."""
    _each("tasks", tasks, _task)
    _each("sprints", sprints, _sprint)
    _each("sessions", sessions, _session)
    _each("handoffs", handoffs, _versioned)
    _each("requests", requests, _request)
    _each("messages", messages, _message)
    _each("memory", memory, _memory_entry)
    for name, section in (
        ("tasks", tasks),
        ("sprints", sprints),
        ("sessions", sessions),
        ("handoffs", handoffs),
        ("requests", requests),
        ("messages", messages),
        ("memory", memory),
    ):
        _unique(name, [r.id for r in section])
    _unique("contexts", [c.id for c in contexts if c.id is not None])
    _unique("events", [e.seq for e in events if e.seq is not None])
    _links(tasks, sprints)
    _one_active(sprints)
    _dependencies(dependencies, {t.id for t in tasks})
    for prefix, value in (counters or {}).items():
        parse_count(value, f"counters.{prefix}", high=MAX_STEPS)


def _each(name: str, records: Sequence[R], check: Callable[[R, str], None]) -> None:
    for i, record in enumerate(records):
        ident = getattr(record, "id", None)
        where = f"{name}[{i}]" + (f" {ident}" if isinstance(ident, str) and len(ident) < 80 else "")
        check(record, where)


def _id(value: object, where: str) -> None:
    parse_id(value, f"{where}.id")


def _versioned(record: Any, where: str) -> None:
    _id(record.id, where)
    parse_count(record.version, f"{where}.version", low=1, high=MAX_STEPS)


def _task(t: Task, where: str) -> None:
    _versioned(t, where)
    check_title(t.title, f"{where}.title")
    check_text(t.description, f"{where}.description", limit=MAX_DESCRIPTION)
    check_progress(t.progress, f"{where}.progress")
    check_estimate(t.estimate, f"{where}.estimate")
    check_labels(t.labels, f"{where}.labels")
    for n, step in enumerate(t.checkpoints):
        check_title(step.title, f"{where}.checkpoints[{n}]")


def _sprint(s: Sprint, where: str) -> None:
    _versioned(s, where)
    check_title(s.name, f"{where}.name")
    check_text(s.goal, f"{where}.goal", limit=2000)


def _session(s: Session, where: str) -> None:
    check_session_id(s.id, f"{where}.id")
    check_agent_id(s.agent_id, f"{where}.agent_id")
    parse_count(s.version, f"{where}.version", low=1, high=MAX_STEPS)


def _request(r: HumanRequest, where: str) -> None:
    _versioned(r, where)
    check_text(r.text, f"{where}.text", limit=MAX_MESSAGE, allow_empty=False)
    check_text(r.answer, f"{where}.answer", limit=MAX_MESSAGE)


def _message(m: Message, where: str) -> None:
    _id(m.id, where)
    check_text(m.text, f"{where}.text", limit=MAX_MESSAGE, allow_empty=False)


def _memory_entry(e: MemoryEntry, where: str) -> None:
    _versioned(e, where)
    check_memory_text(e.text, f"{where}.text")
    normalise_topic(e.topic, f"{where}.topic")
    check_rationale(e.rationale, f"{where}.rationale")


def _unique(name: str, ids: Iterable[object]) -> None:
    seen: dict[object, int] = {}
    for i, ident in enumerate(ids):
        if ident in seen:
            raise InvalidInputError(
                f"{name}[{i}]",
                f"{ident} appears twice (also {name}[{seen[ident]}]); every id in a project is "
                "unique: remove one of them, or give it an id no other record has",
            )
        seen[ident] = i


def _links(tasks: Sequence[Task], sprints: Sequence[Sprint]) -> None:
    """Parents and sprints that exist; no task its own ancestor."""
    by_id = {t.id: t for t in tasks}
    sprint_ids = {s.id for s in sprints}
    for i, t in enumerate(tasks):
        where = f"tasks[{i}] {t.id}"
        if t.parent is not None and t.parent not in by_id:
            raise InvalidInputError(
                f"{where}.parent",
                f"{t.parent} is not a task in the file; add it or drop the parent",
            )
        if t.sprint is not None and t.sprint not in sprint_ids:
            raise InvalidInputError(
                f"{where}.sprint",
                f"{t.sprint} is not a sprint in the file; add it or drop the sprint",
            )
        chain = [t.id]
        node = t.parent
        while node is not None and len(chain) <= len(by_id):
            chain.append(node)
            if node == t.id:
                raise InvalidInputError(
                    f"{where}.parent",
                    f"the parents form a cycle ({' -> '.join(chain)}); a task cannot be its own "
                    "ancestor: drop one of those parents",
                )
            node = by_id[node].parent


def _one_active(sprints: Sequence[Sprint]) -> None:
    active = [(i, s.id) for i, s in enumerate(sprints) if s.status is SprintStatus.ACTIVE]
    if len(active) > 1:
        (_, first), (i, second) = active[0], active[1]
        raise InvalidInputError(
            f"sprints[{i}] {second}.status",
            f"is ACTIVE, and so is {first}; a project has one active sprint at a time: "
            "make one of them PLANNED or CLOSED",
        )


def _dependencies(edges: Sequence[tuple[str, str]], task_ids: set[str]) -> None:
    seen: set[tuple[str, str]] = set()
    prereqs: dict[str, list[str]] = {}
    for i, (task, dep) in enumerate(edges):
        where = f"dependencies[{i}]"
        for end, ident in (("task", task), ("depends_on", dep)):
            if ident not in task_ids:
                raise InvalidInputError(f"{where}.{end}", f"{ident} is not a task in the file")
        if task == dep:
            raise InvalidInputError(where, f"{task} depends on itself; drop this dependency")
        if (task, dep) in seen:
            raise InvalidInputError(where, f"{task} -> {dep} appears twice; drop one")
        seen.add((task, dep))
        prereqs.setdefault(task, []).append(dep)
    cycle = _a_cycle(prereqs)
    if cycle:
        raise InvalidInputError(
            "dependencies",
            f"they close the cycle {' -> '.join(cycle)}; drop one of those dependencies",
        )


def _a_cycle(prereqs: Mapping[str, list[str]]) -> list[str]:
    """One cycle in the depends-on graph (first node repeated last), or [] when it is a DAG."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    for root in sorted(prereqs):
        if root in state:
            continue
        path = [root]
        stack = [iter(prereqs.get(root, ()))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(prereqs.get(nxt, ())))
    return []
