"""The ports: what the core needs from the world, as Protocols.

Adapters implement these; `orchestron.core.testing` holds in-memory fakes and
the contract suites every adapter must pass.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import Protocol

from attrs import field, frozen

from orchestron.core.domain.enums import Priority, RequestStatus, TaskStatus, TaskType
from orchestron.core.domain.event import Event
from orchestron.core.domain.handoff import ContextRecord, Handoff
from orchestron.core.domain.human import HumanRequest, Message, Notification
from orchestron.core.domain.memory import (
    MemoryEntry,
    MemoryKind,
    MemoryStatus,
    normalise_path,
    path_related,
)
from orchestron.core.domain.recall import text_bands, words
from orchestron.core.domain.session import Session
from orchestron.core.domain.sprint import Sprint
from orchestron.core.domain.task import Task
from orchestron.core.domain.vectors import PROBES, Vector, useful_cells, vector_cells

__all__ = [
    "Clock",
    "ContextRepository",
    "DependencyRepository",
    "Embedder",
    "EventLog",
    "HandoffRepository",
    "MemoryFilter",
    "MemoryRepository",
    "MessageRepository",
    "Notifier",
    "Outbox",
    "OutboxItem",
    "ReadyTask",
    "RequestRepository",
    "SessionRepository",
    "SprintRepository",
    "Storage",
    "TaskFilter",
    "TaskRepository",
    "UnitOfWork",
    "is_container",
    "message_is_for",
    "near_matches",
    "search_matches",
    "similar_matches",
    "unfinished_order_key",
]


def _statuses(values: Iterable[TaskStatus]) -> tuple[TaskStatus, ...]:
    return tuple(values)


def _types(values: Iterable[TaskType]) -> tuple[TaskType, ...]:
    return tuple(values)


def _priorities(values: Iterable[Priority]) -> tuple[Priority, ...]:
    return tuple(values)


@frozen
class TaskFilter:
    """Which tasks a list wants; empty means any."""

    statuses: tuple[TaskStatus, ...] = field(default=(), converter=_statuses)
    types: tuple[TaskType, ...] = field(default=(), converter=_types)
    priorities: tuple[Priority, ...] = field(default=(), converter=_priorities)
    sprint: str | None = None
    label: str | None = None
    assignee: str | None = None
    parent: str | None = None
    claimed_by: str | None = None
    text: str | None = None

    def matches(self, task: Task) -> bool:
        """The reference semantics every adapter's query must agree with."""
        if self.statuses and task.status not in self.statuses:
            return False
        if self.types and task.type not in self.types:
            return False
        if self.priorities and task.priority not in self.priorities:
            return False
        if self.sprint is not None and task.sprint != self.sprint:
            return False
        if self.label is not None and self.label not in task.labels:
            return False
        if self.assignee is not None and task.assignee != self.assignee:
            return False
        if self.parent is not None and task.parent != self.parent:
            return False
        if self.claimed_by is not None and task.claimed_by != self.claimed_by:
            return False
        if self.text:
            needle = self.text.lower()
            return needle in task.title.lower() or needle in task.description.lower()
        return True


@frozen
class ReadyTask:
    """A ready task with the number of tasks that transitively depend on it."""

    task: Task
    downstream: int
    in_active_sprint: bool


@frozen
class OutboxItem:
    id: int
    notification: Notification
    created_at: datetime
    attempts: int = 0
    sent_at: datetime | None = None
    last_error: str | None = None


class TaskRepository(Protocol):
    async def get(self, task_id: str) -> Task | None: ...
    async def get_many(self, task_ids: Sequence[str]) -> builtins.list[Task]: ...
    async def add(self, task: Task) -> None:
        """Insert a new task (version 1)."""

    async def update(self, task: Task) -> None:
        """Store `task`, whose version is one past the stored one; else ConflictError."""

    async def list(
        self, flt: TaskFilter, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[Task]:
        """Tasks matching `flt` in id order, starting after the id `after`."""

    async def count(self, flt: TaskFilter) -> int: ...
    async def status_counts(self) -> dict[TaskStatus, int]: ...
    async def ready(self, now: datetime, *, limit: int = 1) -> builtins.list[ReadyTask]:
        """Ready tasks, best first.

        Ready: TODO, every dependency DONE or CANCELLED, no live claim (a claim
        by a session that is ACTIVE with its lease after `now`), and not a
        container (see `is_container`). Order: in the active sprint first, then
        priority, then downstream (transitive dependents, more first), then
        created_at, then id.
        """

    async def unfinished(self, now: datetime, *, limit: int = 1) -> builtins.list[Task]:
        """Work in progress that nobody holds, the next agent's first offer.

        IN_PROGRESS, no live claim (as in `ready`), not a container. Order: see
        `unfinished_order_key` (priority, then the longest waiting, then id).
        """


class DependencyRepository(Protocol):
    async def add(self, task_id: str, depends_on: str) -> None: ...
    async def remove(self, task_id: str, depends_on: str) -> bool: ...
    async def prerequisites(self, task_id: str) -> builtins.list[str]:
        """What `task_id` depends on, sorted."""

    async def dependents(self, task_id: str) -> builtins.list[str]:
        """What depends on `task_id`, sorted."""

    async def find_path(self, start: str, goal: str) -> builtins.list[str] | None:
        """A chain start -> ... -> goal following depends-on edges, or None."""

    async def all(self) -> builtins.list[tuple[str, str]]:
        """Every edge as (task, depends_on)."""


class SprintRepository(Protocol):
    async def get(self, sprint_id: str) -> Sprint | None: ...
    async def add(self, sprint: Sprint) -> None: ...
    async def update(self, sprint: Sprint) -> None: ...
    async def list(self) -> builtins.list[Sprint]: ...
    async def active(self) -> Sprint | None: ...


class SessionRepository(Protocol):
    async def get(self, session_id: str) -> Session | None: ...
    async def add(self, session: Session) -> None: ...
    async def update(self, session: Session) -> None: ...
    async def list(self, *, limit: int | None = None) -> builtins.list[Session]:
        """Newest first."""

    async def lapsed(self, now: datetime) -> builtins.list[Session]:
        """Sessions stored ACTIVE whose lease expired at or before `now`."""

    async def latest_for_agent(
        self, agent_id: str, *, exclude: str | None = None
    ) -> Session | None: ...


class ContextRepository(Protocol):
    async def add(self, record: ContextRecord) -> ContextRecord: ...
    async def latest_for_session(self, session_id: str) -> ContextRecord | None: ...
    async def latest_for_agent(self, agent_id: str) -> ContextRecord | None: ...
    async def latest_for_task(self, task_id: str) -> ContextRecord | None: ...
    async def all(self) -> builtins.list[ContextRecord]: ...


class HandoffRepository(Protocol):
    async def get(self, handoff_id: str) -> Handoff | None: ...
    async def add(self, handoff: Handoff) -> None: ...
    async def update(self, handoff: Handoff) -> None: ...
    async def pending(self) -> builtins.list[Handoff]:
        """PENDING handoffs, oldest first."""

    async def list(self, *, limit: int | None = None) -> builtins.list[Handoff]:
        """Newest first."""


class RequestRepository(Protocol):
    async def get(self, request_id: str) -> HumanRequest | None: ...
    async def add(self, request: HumanRequest) -> None: ...
    async def update(self, request: HumanRequest) -> None: ...
    async def list(
        self, *, status: RequestStatus | None = None, task_id: str | None = None
    ) -> builtins.list[HumanRequest]:
        """Oldest first."""


class MessageRepository(Protocol):
    async def get(self, message_id: str) -> Message | None: ...
    async def add(self, message: Message) -> None: ...
    async def list(self, *, task_id: str | None = None) -> builtins.list[Message]:
        """Oldest first."""

    async def undelivered(
        self, *, session_id: str, agent_id: str, task_ids: Sequence[str]
    ) -> builtins.list[Message]:
        """Not yet delivered and for this reader (see `message_is_for`), oldest first."""

    async def pending(self) -> builtins.list[Message]:
        """Every message not yet delivered, oldest first."""

    async def mark_delivered(
        self, message_ids: Sequence[str], *, to: str, via: str, at: datetime
    ) -> builtins.list[str]:
        """Mark those still undelivered; return the ids this call marked (exactly once)."""


class EventLog(Protocol):
    async def append(self, event: Event) -> Event:
        """Store and return the event with its sequence number."""

    async def list(
        self,
        *,
        after: int = 0,
        entity: str | None = None,
        kinds: Sequence[str] = (),
        limit: int | None = None,
    ) -> builtins.list[Event]:
        """Events after sequence `after`, oldest first."""

    async def last_seq(self) -> int: ...


class Outbox(Protocol):
    async def add(self, notification: Notification) -> int: ...
    async def pending(self, *, limit: int = 100) -> builtins.list[OutboxItem]: ...
    async def mark_sent(self, item_id: int, at: datetime) -> None: ...
    async def mark_failed(self, item_id: int, error: str) -> None: ...


def _memory_statuses(values: Sequence[MemoryStatus]) -> tuple[MemoryStatus, ...]:
    return tuple(values)


def _memory_kinds(values: Sequence[MemoryKind]) -> tuple[MemoryKind, ...]:
    return tuple(values)


def _memory_files(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(normalise_path(v) for v in values)


@frozen
class MemoryFilter:
    """Which memory entries a read wants; empty means any."""

    statuses: tuple[MemoryStatus, ...] = field(default=(), converter=_memory_statuses)
    kinds: tuple[MemoryKind, ...] = field(default=(), converter=_memory_kinds)
    topic: str | None = None
    # The open dispute (inbox request id) the entries are in.
    dispute: str | None = None
    # Said on this task (any provenance).
    task: str | None = None
    # About one of these files, or a folder holding one, or a file inside one (any provenance).
    files: tuple[str, ...] = field(default=(), converter=_memory_files)
    # A review date on or before this day.
    review_due: date | None = None
    # True: only entries flagged as maybe the same as another (`MemoryEntry.maybe_same`).
    maybe_same: bool = False

    def matches(self, entry: MemoryEntry) -> bool:
        """The reference semantics every adapter's query must agree with."""
        if self.statuses and entry.status not in self.statuses:
            return False
        if self.kinds and entry.kind not in self.kinds:
            return False
        if self.topic is not None and entry.topic != self.topic:
            return False
        if self.dispute is not None and entry.dispute != self.dispute:
            return False
        if self.task is not None and self.task not in entry.tasks:
            return False
        if self.files and not any(path_related(f, g) for f in entry.files for g in self.files):
            return False
        if self.maybe_same and entry.maybe_same is None:
            return False
        if self.review_due is not None:
            return entry.review_date is not None and entry.review_date <= self.review_due
        return True


class MemoryRepository(Protocol):
    async def get(self, entry_id: str) -> MemoryEntry | None: ...
    async def get_many(self, entry_ids: Sequence[str]) -> builtins.list[MemoryEntry]:
        """Those that exist, in the order asked."""

    async def add(self, entry: MemoryEntry) -> None:
        """Insert a new entry (version 1); an id in use is a ConflictError."""

    async def update(self, entry: MemoryEntry) -> None:
        """Store `entry`, whose version is one past the stored one; else ConflictError
        (NotFoundError when there is no such entry)."""

    async def list(
        self, flt: MemoryFilter, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[MemoryEntry]:
        """Entries matching `flt` in id order (MEM-2 before MEM-10), after the id `after`."""

    async def count(self, flt: MemoryFilter) -> int: ...

    async def recent(self, flt: MemoryFilter, *, limit: int) -> builtins.list[MemoryEntry]:
        """Entries matching `flt`, last confirmed latest first (ties: the higher id first)."""

    async def search(
        self, terms: Sequence[str], flt: MemoryFilter, *, limit: int
    ) -> builtins.list[MemoryEntry]:
        """Entries matching `flt` in whose topic, text or rationale a word starts with
        one of `terms` (lower-case words, as `orchestron.core.domain.recall.words`
        splits them), the store's best `limit` first.

        The order is the store's own relevance (SQLite: FTS5 bm25); the core
        ranks what comes back, so only which entries make the cut matters. Those
        with every term come first. A large store may leave out entries whose
        only match is a very common word (SQLite: in over 500 entries and over a
        tenth of them), as a search engine skips stop words.
        """

    async def similar(
        self, text: str, flt: MemoryFilter, *, limit: int
    ) -> builtins.list[MemoryEntry]:
        """Candidates for a duplicate of `text`: entries matching `flt` whose text shares
        a MinHash band with it (`orchestron.core.domain.recall.text_bands`), those
        sharing the most bands first (then id order), at most `limit`."""

    async def set_vector(self, entry_id: str, model: str, vector: Sequence[float]) -> None:
        """Keep the entry's vector of meaning (made by `model`), replacing any it had."""

    async def vectors(self, entry_ids: Sequence[str], model: str) -> dict[str, Vector]:
        """The stored vectors of those entries made by `model` (entries without one are left
        out)."""

    async def unembedded(self, model: str, *, limit: int) -> builtins.list[MemoryEntry]:
        """Entries with no vector made by `model`, in id order, at most `limit`."""

    async def near(
        self,
        vector: Sequence[float],
        model: str,
        flt: MemoryFilter,
        *,
        limit: int,
        probes: int = PROBES,
    ) -> builtins.list[tuple[MemoryEntry, Vector]]:
        """Candidate neighbours in meaning: entries matching `flt` whose vector of `model`
        shares a cell with `vector_cells(vector, probes)` (`orchestron.core.domain.vectors`;
        an entry is filed under `vector_cells(its vector)`), those sharing the most cells
        first (then id order), at most `limit`, each with its vector. The core ranks them
        by cosine. Cells held by many entries are skipped (`useful_cells`, counting every
        stored vector's cells), as a search skips stop words."""


def is_container(task: Task, children: Iterable[Task]) -> bool:
    """The reference semantics of a container: an EPIC, or a task with an open child.

    A container is never handed out as work; its progress and status roll up
    from its children.
    """
    return task.type is TaskType.EPIC or any(not c.status.finished for c in children)


def unfinished_order_key(task: Task) -> tuple[object, ...]:
    """The reference order of `TaskRepository.unfinished`."""
    head, _, tail = task.id.rpartition("-")
    return (task.priority.rank, task.updated_at, head, int(tail) if tail.isdigit() else 0)


def message_is_for(
    message: Message, *, session_id: str, agent_id: str, task_ids: Sequence[str]
) -> bool:
    """The reference semantics of `MessageRepository.undelivered` membership.

    A person's words follow the work: a message about a task is for whoever
    holds the task (`task_ids`), whoever it was first addressed to. Besides, a
    session gets what was addressed to it, and an agent what was addressed to
    it about no task.
    """
    if message.delivered_at is not None:
        return False
    return (
        message.task_id in task_ids
        or message.session_id == session_id
        or (message.task_id is None and message.session_id is None and message.agent_id == agent_id)
    )


def similar_matches(text: str, entry: MemoryEntry) -> int:
    """The reference semantics of `MemoryRepository.similar`: the bands shared."""
    return len(set(text_bands(text)) & set(text_bands(entry.text)))


def near_matches(
    vector: Sequence[float], stored: Sequence[float], held: Mapping[int, int], probes: int = PROBES
) -> int:
    """The reference semantics of `MemoryRepository.near`: the useful cells shared, given
    how many stored vectors hold each cell."""
    return len(set(useful_cells(vector_cells(vector, probes), held)) & set(vector_cells(stored)))


def search_matches(terms: Sequence[str], entry: MemoryEntry) -> bool:
    """The reference semantics of `MemoryRepository.search` membership."""
    found = [*words(entry.topic), *words(entry.text), *words(entry.rationale)]
    return any(w.startswith(t) for t in terms for w in found)


class UnitOfWork(Protocol):
    """Repositories over one transaction: all of it commits, or none of it."""

    tasks: TaskRepository
    deps: DependencyRepository
    sprints: SprintRepository
    sessions: SessionRepository
    contexts: ContextRepository
    handoffs: HandoffRepository
    requests: RequestRepository
    messages: MessageRepository
    events: EventLog
    outbox: Outbox
    memory: MemoryRepository

    async def next_number(self, prefix: str) -> int:
        """The next number in the per-project sequence `prefix` (1, 2, ...)."""


class Storage(Protocol):
    def transaction(self, *, write: bool = True) -> AbstractAsyncContextManager[UnitOfWork]:
        """A unit of work; it commits on normal exit and rolls back on an exception."""

    async def close(self) -> None: ...


class Notifier(Protocol):
    async def notify(self, notification: Notification) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware UTC."""


class Embedder(Protocol):
    """Texts to vectors of meaning: unit length, alike for texts alike in meaning.

    `model` names what made the vectors: a store keeps it beside each vector,
    and a vector of another model is made again rather than compared.
    """

    model: str

    def embed(self, texts: Sequence[str]) -> builtins.list[tuple[float, ...]]: ...
