"""Fold the event log into per-task timelines: the one pass every metric reads.

The log is read in sequence order (the order it was appended). Kinds this fold
does not know are skipped, so an older or newer log still folds. docs/analytics.md
lists, for every metric, which kinds and data keys it reads.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from attrs import define, field, frozen

from orchestron.core.analytics._base import hours
from orchestron.core.domain.event import Event

__all__ = [
    "KINDS",
    "SESSION_KINDS",
    "TASK_KINDS",
    "Block",
    "History",
    "HistoryBuilder",
    "TaskTimeline",
    "build_history",
    "value_at",
]

V = TypeVar("V")

DONE = "DONE"
CANCELLED = "CANCELLED"
BLOCKED = "BLOCKED"
IN_PROGRESS = "IN_PROGRESS"
TODO = "TODO"

TASK_KINDS = (
    "task.created",
    "task.updated",
    "task.status_changed",
    "task.released",
    "sprint.task_added",
    "sprint.task_removed",
    "sprint.closed",
    "request.opened",
    "request.created",
)
SESSION_KINDS = ("session.resumed", "context.saved", "handoff.prepared", "handoff.accepted")
KINDS = (*TASK_KINDS, *SESSION_KINDS)
"""Every event kind the analytics read; a store may filter the log to these."""


@frozen
class Block:
    """One stretch of BLOCKED (waiting for a person); `end` is None while it lasts."""

    start: datetime
    end: datetime | None = None

    def hours(self, now: datetime) -> float:
        return hours(self.start, self.end or now)


@define
class TaskTimeline:
    """What the log says about one task, as of the last event folded."""

    id: str
    created_at: datetime | None = None
    type: str = "TASK"
    labels: tuple[str, ...] = ()
    estimate: float | None = None
    parent: str | None = None
    sprint: str | None = None
    status: str = TODO
    started_at: datetime | None = None
    done_at: datetime | None = None
    done_sprint: str | None = None
    blocks: list[Block] = field(factory=list)
    requests: int = 0
    status_changes: list[tuple[datetime, str]] = field(factory=list)
    sprint_changes: list[tuple[datetime, str | None]] = field(factory=list)
    estimate_changes: list[tuple[datetime, float | None]] = field(factory=list)

    @property
    def done(self) -> bool:
        return self.status == DONE and self.done_at is not None

    @property
    def cycle_hours(self) -> float | None:
        """First move to IN_PROGRESS to the (last) move to DONE."""
        if self.done_at is None or self.started_at is None or self.status != DONE:
            return None
        return hours(self.started_at, self.done_at)

    @property
    def lead_hours(self) -> float | None:
        """Creation to the (last) move to DONE."""
        if self.done_at is None or self.created_at is None or self.status != DONE:
            return None
        return hours(self.created_at, self.done_at)

    @property
    def needed_human(self) -> bool:
        """It was BLOCKED at some point, or a request to a person named it."""
        return bool(self.blocks) or self.requests > 0

    def blocked_hours(self, now: datetime) -> float:
        return sum(b.hours(now) for b in self.blocks)


def value_at(
    changes: list[tuple[datetime, V]], at: datetime, default: V, *, inclusive: bool = False
) -> V:
    """The value set by the last change before `at` (or at it, if `inclusive`).

    `changes` is in time order; `default` is the value before the first change.
    """
    find = bisect.bisect_right if inclusive else bisect.bisect_left
    i = find(changes, at, key=lambda c: c[0])
    return changes[i - 1][1] if i else default


@define
class History:
    """Everything the analytics need, folded from the log."""

    tasks: dict[str, TaskTimeline] = field(factory=dict)
    events: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    resumed: dict[str, bool] = field(factory=dict)
    """Session -> whether any of its resumes restored a saved context."""
    context_sizes: list[int] = field(factory=list)
    handoffs_prepared: dict[str, datetime] = field(factory=dict)
    handoffs_accepted: set[str] = field(factory=set)
    _containers: frozenset[str] | None = field(default=None, init=False, repr=False, eq=False)

    @property
    def containers(self) -> frozenset[str]:
        """Tasks that are some task's parent: their work is counted in their children."""
        if self._containers is None:
            self._containers = frozenset(
                t.parent for t in self.tasks.values() if t.parent is not None
            )
        return self._containers

    def forget_containers(self) -> None:
        """Parents changed: recompute `containers` on next use."""
        self._containers = None

    def work_items(self) -> list[TaskTimeline]:
        """Tasks that are not containers: the unit of throughput and forecasts."""
        parents = self.containers
        return [t for t in self.tasks.values() if t.id not in parents]


NOTHING_TO_RESTORE = frozenset({"next", "idle", "fresh", "new", "next_task", "none"})
"""`session.resumed` kinds with nothing to restore (a new task, or no work): left out of
the restore share. Resume kinds `handoff` and `unfinished` count."""


class HistoryBuilder:
    """Feed events in log order with `add`; `history` is the fold so far."""

    def __init__(self) -> None:
        self.history = History()
        self._handlers: dict[str, Callable[[Event], None]] = {
            "task.created": self._created,
            "task.updated": self._updated,
            "task.status_changed": self._status_changed,
            "task.released": self._released,
            "sprint.task_added": self._sprint_added,
            "sprint.task_removed": self._sprint_removed,
            "sprint.closed": self._sprint_closed,
            "request.opened": self._request,
            "request.created": self._request,
            "session.resumed": self._resumed,
            "context.saved": self._context,
            "handoff.prepared": self._handoff_prepared,
            "handoff.accepted": self._handoff_accepted,
        }

    def add_all(self, events: Iterable[Event]) -> History:
        """Fold many events; the same as `add` on each, in a tighter loop."""
        h = self.history
        handlers = self._handlers
        count = 0
        last: Event | None = None
        for event in events:
            if last is None and h.first_at is None:
                h.first_at = event.at
            count += 1
            last = event
            handler = handlers.get(event.kind)
            if handler is not None:
                handler(event)
        h.events += count
        if last is not None:
            h.last_at = last.at
        return h

    def add(self, event: Event) -> None:
        self.add_all((event,))

    def _task(self, task_id: str) -> TaskTimeline:
        tasks = self.history.tasks
        found = tasks.get(task_id)
        if found is None:
            found = tasks[task_id] = TaskTimeline(id=task_id)
        return found

    def _created(self, e: Event) -> None:
        t = self._task(e.entity)
        d = e.data
        t.created_at = e.at
        t.type = str(d.get("type") or "TASK")
        t.labels = tuple(d.get("labels") or ())
        self._set_parent(t, d.get("parent"))
        self._set_estimate(t, e.at, _number(d.get("estimate")))
        if d.get("sprint"):
            self._set_sprint(t, e.at, str(d["sprint"]))

    def _updated(self, e: Event) -> None:
        t = self._task(e.entity)
        changes: dict[str, Any] = e.data.get("changes") or {}
        if "type" in changes:
            t.type = str(changes["type"])
        if "labels" in changes:
            t.labels = tuple(changes["labels"] or ())
        if "parent" in changes:
            self._set_parent(t, changes["parent"])
        if "estimate" in changes:
            self._set_estimate(t, e.at, _number(changes["estimate"]))
        if "sprint" in changes:
            self._set_sprint(t, e.at, changes["sprint"])

    def _status_changed(self, e: Event) -> None:
        to = e.data.get("to")
        if isinstance(to, str) and to:
            self._set_status(self._task(e.entity), e.at, to)

    def _released(self, e: Event) -> None:
        # A release names the status the task is left in; most releases leave it as it
        # was (or follow a status change of their own), so only a real move counts.
        to = e.data.get("status")
        t = self._task(e.entity)
        if isinstance(to, str) and to and to != t.status:
            self._set_status(t, e.at, to)

    def _sprint_added(self, e: Event) -> None:
        task = e.data.get("task")
        if isinstance(task, str):
            self._set_sprint(self._task(task), e.at, e.entity)

    def _sprint_removed(self, e: Event) -> None:
        task = e.data.get("task")
        if isinstance(task, str):
            t = self._task(task)
            if t.sprint == e.entity:
                self._set_sprint(t, e.at, None)

    def _sprint_closed(self, e: Event) -> None:
        # Carried-over tasks leave the sprint, but the move is kept out of
        # `sprint_changes` on purpose: the sprint's history ends at its close, and its
        # last burndown point should show what it left undone.
        for task in e.data.get("carried_over") or ():
            t = self._task(task)
            if t.sprint == e.entity:
                t.sprint = None

    def _request(self, e: Event) -> None:
        # `request.opened` (the human channel) names the task as its entity;
        # `task_id` / `task` in the data are read too, for other emitters.
        task = e.data.get("task_id") or e.data.get("task")
        if not isinstance(task, str) and e.entity in self.history.tasks:
            task = e.entity
        if isinstance(task, str) and task:
            self._task(task).requests += 1

    def _resumed(self, e: Event) -> None:
        if str(e.data.get("resume_kind", e.data.get("kind", ""))).lower() in NOTHING_TO_RESTORE:
            return
        session = str(e.data.get("session") or e.entity)
        restored = bool(e.data.get("context_restored"))
        self.history.resumed[session] = self.history.resumed.get(session, False) or restored

    def _context(self, e: Event) -> None:
        size = e.data.get("size_bytes", e.data.get("size"))
        if isinstance(size, int | float) and not isinstance(size, bool) and size >= 0:
            self.history.context_sizes.append(int(size))

    def _handoff_prepared(self, e: Event) -> None:
        handoff = str(e.data.get("handoff") or e.entity)
        self.history.handoffs_prepared.setdefault(handoff, e.at)

    def _handoff_accepted(self, e: Event) -> None:
        self.history.handoffs_accepted.add(str(e.data.get("handoff") or e.entity))

    def _set_parent(self, t: TaskTimeline, parent: object) -> None:
        t.parent = parent if isinstance(parent, str) and parent else None
        self.history.forget_containers()

    @staticmethod
    def _set_status(t: TaskTimeline, at: datetime, to: str) -> None:
        was = t.status
        if was == BLOCKED and to != BLOCKED and t.blocks and t.blocks[-1].end is None:
            t.blocks[-1] = Block(start=t.blocks[-1].start, end=at)
        if to == BLOCKED and was != BLOCKED:
            t.blocks.append(Block(start=at))
        if to == IN_PROGRESS and t.started_at is None:
            t.started_at = at
        if to == DONE:
            t.done_at = at
            t.done_sprint = t.sprint
        elif was == DONE:
            t.done_at = None
            t.done_sprint = None
        t.status = to
        t.status_changes.append((at, to))

    @staticmethod
    def _set_sprint(t: TaskTimeline, at: datetime, sprint: str | None) -> None:
        t.sprint = sprint
        t.sprint_changes.append((at, sprint))

    @staticmethod
    def _set_estimate(t: TaskTimeline, at: datetime, estimate: float | None) -> None:
        t.estimate = estimate
        t.estimate_changes.append((at, estimate))


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def build_history(events: Iterable[Event]) -> History:
    """Fold `events` (in log order) into a History."""
    return HistoryBuilder().add_all(events)
