"""In-memory Storage: the reference the contract suite checks every adapter against."""

from __future__ import annotations

import builtins
import copy
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import anyio
from attrs import define, evolve, field

from orchestron.core.domain.enums import HandoffStatus, RequestStatus, SessionStatus, TaskStatus
from orchestron.core.domain.event import Event
from orchestron.core.domain.handoff import ContextRecord, Handoff
from orchestron.core.domain.human import HumanRequest, Message, Notification
from orchestron.core.domain.ids import id_sort_key
from orchestron.core.domain.memory import MemoryEntry
from orchestron.core.domain.session import Session
from orchestron.core.domain.sprint import Sprint
from orchestron.core.domain.task import Task
from orchestron.core.errors import ConflictError, CycleError, NotFoundError
from orchestron.core.graph import downstream_counts, find_path, ready_order_key
from orchestron.core.ports import (
    OutboxItem,
    ReadyTask,
    TaskFilter,
    is_container,
    message_is_for,
    unfinished_order_key,
)
from orchestron.core.testing._memory_entries import MemoryEntries

__all__ = ["MemoryStorage"]


@define
class _State:
    tasks: dict[str, Task] = field(factory=dict)
    edges: set[tuple[str, str]] = field(factory=set)
    sprints: dict[str, Sprint] = field(factory=dict)
    sessions: dict[str, Session] = field(factory=dict)
    contexts: list[ContextRecord] = field(factory=list)
    handoffs: dict[str, Handoff] = field(factory=dict)
    requests: dict[str, HumanRequest] = field(factory=dict)
    messages: dict[str, Message] = field(factory=dict)
    events: list[Event] = field(factory=list)
    outbox: dict[int, OutboxItem] = field(factory=dict)
    counters: dict[str, int] = field(factory=dict)
    memory: dict[str, MemoryEntry] = field(factory=dict)
    extra: dict[str, Any] = field(factory=dict)


def _check_version(entity: str, stored: dict[str, Any], new: Any) -> None:
    """`new` must be one version past the stored one; a missing one is not found."""
    current = stored.get(new.id)
    if current is None:
        raise NotFoundError(entity, new.id)
    if current.version != new.version - 1:
        raise ConflictError.stale(
            entity, new.id, new.version - 1, current.version, getattr(current, "updated_by", None)
        )


def _check_new(entity: str, stored: dict[str, Any], new: Any) -> None:
    if new.id in stored:
        raise ConflictError(f"{entity} {new.id} already exists", entity=entity, ident=new.id)


class _Tasks:
    def __init__(self, s: _State) -> None:
        self._s = s

    async def get(self, task_id: str) -> Task | None:
        return self._s.tasks.get(task_id)

    async def get_many(self, task_ids: Sequence[str]) -> builtins.list[Task]:
        return [self._s.tasks[t] for t in task_ids if t in self._s.tasks]

    async def add(self, task: Task) -> None:
        _check_new("task", self._s.tasks, task)
        self._s.tasks[task.id] = task

    async def update(self, task: Task) -> None:
        _check_version("task", self._s.tasks, task)
        self._s.tasks[task.id] = task

    async def list(
        self, flt: TaskFilter, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[Task]:
        out = [t for t in sorted(self._s.tasks.values(), key=_id_key) if flt.matches(t)]
        if after is not None:
            out = [t for t in out if _id_key(t) > _key_of(after)]
        return out[:limit] if limit is not None else out

    async def count(self, flt: TaskFilter) -> int:
        return sum(1 for t in self._s.tasks.values() if flt.matches(t))

    async def status_counts(self) -> dict[TaskStatus, int]:
        counts: dict[TaskStatus, int] = {}
        for t in self._s.tasks.values():
            counts[t.status] = counts.get(t.status, 0) + 1
        return counts

    async def ready(self, now: datetime, *, limit: int = 1) -> builtins.list[ReadyTask]:
        s = self._s
        active = next((sp.id for sp in s.sprints.values() if sp.status.value == "ACTIVE"), None)
        prereqs: dict[str, list[str]] = {}
        for task_id, dep in s.edges:
            prereqs.setdefault(task_id, []).append(dep)
        ready: list[Task] = []
        children = self._children()
        for t in s.tasks.values():
            if t.status is not TaskStatus.TODO or not self._free(t, now, children):
                continue
            if any(not s.tasks[d].status.finished for d in prereqs.get(t.id, ()) if d in s.tasks):
                continue
            ready.append(t)
        counts = downstream_counts(s.edges)
        ranked = [
            ReadyTask(
                task=t,
                downstream=counts.get(t.id, 0),
                in_active_sprint=active is not None and t.sprint == active,
            )
            for t in ready
        ]
        ranked.sort(key=lambda r: ready_order_key(r.task, r.downstream, r.in_active_sprint))
        return ranked[:limit]

    async def unfinished(self, now: datetime, *, limit: int = 1) -> builtins.list[Task]:
        children = self._children()
        found = [
            t
            for t in self._s.tasks.values()
            if t.status is TaskStatus.IN_PROGRESS and self._free(t, now, children)
        ]
        return sorted(found, key=unfinished_order_key)[:limit]

    def _children(self) -> dict[str, builtins.list[Task]]:
        by_parent: dict[str, builtins.list[Task]] = {}
        for t in self._s.tasks.values():
            if t.parent is not None:
                by_parent.setdefault(t.parent, []).append(t)
        return by_parent

    def _free(self, task: Task, now: datetime, children: dict[str, builtins.list[Task]]) -> bool:
        """No live claim holds it and it is no container."""
        holder = self._s.sessions.get(task.claimed_by) if task.claimed_by else None
        if holder is not None and holder.is_live(now):
            return False
        return not is_container(task, children.get(task.id, ()))


def _key_of(ident: str) -> tuple[str, int, str]:
    return id_sort_key(ident)


def _id_key(task: Task) -> tuple[str, int, str]:
    return _key_of(task.id)


class _Deps:
    def __init__(self, s: _State) -> None:
        self._s = s

    async def add(self, task_id: str, depends_on: str) -> None:
        for ident in (task_id, depends_on):
            if ident not in self._s.tasks:
                raise NotFoundError("task", ident)
        if (task_id, depends_on) in self._s.edges:
            return
        back = find_path(self._s.edges, depends_on, task_id)
        if back is not None:
            raise CycleError([task_id, *back])
        self._s.edges.add((task_id, depends_on))

    async def remove(self, task_id: str, depends_on: str) -> bool:
        if (task_id, depends_on) in self._s.edges:
            self._s.edges.discard((task_id, depends_on))
            return True
        return False

    async def prerequisites(self, task_id: str) -> builtins.list[str]:
        return sorted((d for t, d in self._s.edges if t == task_id), key=_key_of)

    async def dependents(self, task_id: str) -> builtins.list[str]:
        return sorted((t for t, d in self._s.edges if d == task_id), key=_key_of)

    async def find_path(self, start: str, goal: str) -> builtins.list[str] | None:
        return find_path(self._s.edges, start, goal)

    async def all(self) -> builtins.list[tuple[str, str]]:
        return sorted(self._s.edges, key=lambda e: (_key_of(e[0]), _key_of(e[1])))


class _Sprints:
    def __init__(self, s: _State) -> None:
        self._s = s

    async def get(self, sprint_id: str) -> Sprint | None:
        return self._s.sprints.get(sprint_id)

    async def add(self, sprint: Sprint) -> None:
        _check_new("sprint", self._s.sprints, sprint)
        self._s.sprints[sprint.id] = sprint

    async def update(self, sprint: Sprint) -> None:
        _check_version("sprint", self._s.sprints, sprint)
        self._s.sprints[sprint.id] = sprint

    async def list(self) -> builtins.list[Sprint]:
        return sorted(self._s.sprints.values(), key=lambda sp: _key_of(sp.id))

    async def active(self) -> Sprint | None:
        return next((sp for sp in self._s.sprints.values() if sp.status.value == "ACTIVE"), None)


class _Sessions:
    def __init__(self, s: _State) -> None:
        self._s = s

    async def get(self, session_id: str) -> Session | None:
        return self._s.sessions.get(session_id)

    async def add(self, session: Session) -> None:
        _check_new("session", self._s.sessions, session)
        self._s.sessions[session.id] = session

    async def update(self, session: Session) -> None:
        _check_version("session", self._s.sessions, session)
        self._s.sessions[session.id] = session

    async def list(self, *, limit: int | None = None) -> builtins.list[Session]:
        out = sorted(self._s.sessions.values(), key=lambda x: (x.started_at, x.id), reverse=True)
        return out[:limit] if limit is not None else out

    async def lapsed(self, now: datetime) -> builtins.list[Session]:
        return sorted(
            (
                x
                for x in self._s.sessions.values()
                if x.status is SessionStatus.ACTIVE and x.lease_expires <= now
            ),
            key=lambda x: x.id,
        )

    async def latest_for_agent(
        self, agent_id: str, *, exclude: str | None = None
    ) -> Session | None:
        mine = [x for x in await self.list() if x.agent_id == agent_id and x.id != exclude]
        return mine[0] if mine else None


class _Contexts:
    def __init__(self, s: _State) -> None:
        self._s = s

    async def add(self, record: ContextRecord) -> ContextRecord:
        stored = evolve(record, id=len(self._s.contexts) + 1, data=copy.deepcopy(record.data))
        self._s.contexts.append(stored)
        return stored

    def _latest(self, pred: Any) -> ContextRecord | None:
        found = [c for c in self._s.contexts if pred(c)]
        return found[-1] if found else None

    async def latest_for_session(self, session_id: str) -> ContextRecord | None:
        return self._latest(lambda c: c.session_id == session_id)

    async def latest_for_agent(self, agent_id: str) -> ContextRecord | None:
        return self._latest(lambda c: c.agent_id == agent_id)

    async def latest_for_task(self, task_id: str) -> ContextRecord | None:
        return self._latest(lambda c: c.task_id == task_id)

    async def all(self) -> builtins.list[ContextRecord]:
        return list(self._s.contexts)


class _Handoffs:
    def __init__(self, s: _State) -> None:
        self._s = s

    async def get(self, handoff_id: str) -> Handoff | None:
        return self._s.handoffs.get(handoff_id)

    async def add(self, handoff: Handoff) -> None:
        _check_new("handoff", self._s.handoffs, handoff)
        self._s.handoffs[handoff.id] = handoff

    async def update(self, handoff: Handoff) -> None:
        _check_version("handoff", self._s.handoffs, handoff)
        self._s.handoffs[handoff.id] = handoff

    async def pending(self) -> builtins.list[Handoff]:
        return sorted(
            (h for h in self._s.handoffs.values() if h.status is HandoffStatus.PENDING),
            key=lambda h: (h.created_at, _key_of(h.id)),
        )

    async def list(self, *, limit: int | None = None) -> builtins.list[Handoff]:
        out = sorted(
            self._s.handoffs.values(), key=lambda h: (h.created_at, _key_of(h.id)), reverse=True
        )
        return out[:limit] if limit is not None else out


class _Requests:
    def __init__(self, s: _State) -> None:
        self._s = s

    async def get(self, request_id: str) -> HumanRequest | None:
        return self._s.requests.get(request_id)

    async def add(self, request: HumanRequest) -> None:
        _check_new("request", self._s.requests, request)
        self._s.requests[request.id] = request

    async def update(self, request: HumanRequest) -> None:
        _check_version("request", self._s.requests, request)
        self._s.requests[request.id] = request

    async def list(
        self, *, status: RequestStatus | None = None, task_id: str | None = None
    ) -> builtins.list[HumanRequest]:
        return sorted(
            (
                r
                for r in self._s.requests.values()
                if (status is None or r.status is status)
                and (task_id is None or r.task_id == task_id)
            ),
            key=lambda r: (r.created_at, _key_of(r.id)),
        )


class _Messages:
    def __init__(self, s: _State) -> None:
        self._s = s

    async def get(self, message_id: str) -> Message | None:
        return self._s.messages.get(message_id)

    async def add(self, message: Message) -> None:
        _check_new("message", self._s.messages, message)
        self._s.messages[message.id] = message

    async def list(self, *, task_id: str | None = None) -> builtins.list[Message]:
        return sorted(
            (m for m in self._s.messages.values() if task_id is None or m.task_id == task_id),
            key=lambda m: (m.created_at, _key_of(m.id)),
        )

    async def undelivered(
        self, *, session_id: str, agent_id: str, task_ids: Sequence[str]
    ) -> builtins.list[Message]:
        return [
            m
            for m in await self.list()
            if message_is_for(m, session_id=session_id, agent_id=agent_id, task_ids=task_ids)
        ]

    async def pending(self) -> builtins.list[Message]:
        return [m for m in await self.list() if m.delivered_at is None]

    async def mark_delivered(
        self, message_ids: Sequence[str], *, to: str, via: str, at: datetime
    ) -> builtins.list[str]:
        marked = []
        for mid in message_ids:
            m = self._s.messages.get(mid)
            if m is not None and m.delivered_at is None:
                self._s.messages[mid] = evolve(
                    m, delivered_at=at, delivered_to=to, delivered_via=via
                )
                marked.append(mid)
        return marked


class _Events:
    def __init__(self, s: _State) -> None:
        self._s = s

    async def append(self, event: Event) -> Event:
        stored = evolve(event, seq=len(self._s.events) + 1, data=copy.deepcopy(event.data))
        self._s.events.append(stored)
        return stored

    async def list(
        self,
        *,
        after: int = 0,
        entity: str | None = None,
        kinds: Sequence[str] = (),
        limit: int | None = None,
    ) -> builtins.list[Event]:
        out = [
            e
            for e in self._s.events[after:]
            if (entity is None or e.entity == entity) and (not kinds or e.kind in kinds)
        ]
        return out[:limit] if limit is not None else out

    async def last_seq(self) -> int:
        return len(self._s.events)


class _Outbox:
    def __init__(self, s: _State) -> None:
        self._s = s

    async def add(self, notification: Notification) -> int:
        item_id = max(self._s.outbox, default=0) + 1
        self._s.outbox[item_id] = OutboxItem(
            id=item_id, notification=notification, created_at=notification.at
        )
        return item_id

    async def pending(self, *, limit: int = 100) -> builtins.list[OutboxItem]:
        return [i for _, i in sorted(self._s.outbox.items()) if i.sent_at is None][:limit]

    async def mark_sent(self, item_id: int, at: datetime) -> None:
        item = self._item(item_id)
        self._s.outbox[item_id] = evolve(item, sent_at=at, attempts=item.attempts + 1)

    async def mark_failed(self, item_id: int, error: str) -> None:
        item = self._item(item_id)
        self._s.outbox[item_id] = evolve(item, attempts=item.attempts + 1, last_error=error)

    def _item(self, item_id: int) -> OutboxItem:
        item = self._s.outbox.get(item_id)
        if item is None:
            raise NotFoundError("outbox item", str(item_id))
        return item


class _MemoryUnitOfWork:
    def __init__(self, s: _State) -> None:
        self._s = s
        self.tasks = _Tasks(s)
        self.deps = _Deps(s)
        self.sprints = _Sprints(s)
        self.sessions = _Sessions(s)
        self.contexts = _Contexts(s)
        self.handoffs = _Handoffs(s)
        self.requests = _Requests(s)
        self.messages = _Messages(s)
        self.events = _Events(s)
        self.outbox = _Outbox(s)
        self.memory = MemoryEntries(s.memory, s.extra)

    async def next_number(self, prefix: str) -> int:
        n = self._s.counters.get(prefix, 0) + 1
        self._s.counters[prefix] = n
        return n


class MemoryStorage:
    """Everything in dicts; a unit of work restores the prior state if it fails."""

    def __init__(self) -> None:
        self._state = _State()
        self._lock = anyio.Lock()

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[_MemoryUnitOfWork]:
        async with self._lock:
            saved = copy.copy(self._state)
            for name in (
                "tasks",
                "sprints",
                "sessions",
                "handoffs",
                "requests",
                "messages",
                "outbox",
                "counters",
                "memory",
                "extra",
            ):
                setattr(self._state, name, dict(getattr(saved, name)))
            self._state.edges = set(saved.edges)
            self._state.contexts = list(saved.contexts)
            self._state.events = list(saved.events)
            try:
                yield _MemoryUnitOfWork(self._state)
            except BaseException:
                self._state = saved
                raise

    async def close(self) -> None:
        return None
