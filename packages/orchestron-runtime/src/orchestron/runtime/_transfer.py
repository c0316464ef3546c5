"""Moving a whole project through the Storage port: `export`, `import` and `migrate`.

One home for every step they share:

- `Contents`: what a project holds, by record kind (the kinds `check_records`
  checks), read in one unit of work by `read_contents`.
- `holdings`: what a store already holds, by kind. A store is empty when it holds
  none of them (nor notifications waiting to be sent); `write_contents` refuses
  any other with `NotEmptyError`, for every door that copies into a store.
- `write_contents`: recreate contents in an empty store exactly (ids, versions,
  event sequence numbers, context ids, id counters), then read them back and
  refuse, rolling back with the caller's unit of work, unless they match.
- `copy_store(src, dst)`: both, between two stores (SQLite <-> PostgreSQL);
  `snapshot(storage)`: what a store holds as JSON-ready data, for comparing two.

Counters: a store that offers `counters()` on its unit of work (PostgreSQL) is
read exactly; otherwise each counter is the highest number an id with that
prefix uses. A store that offers `set_counter()` is written directly; otherwise
`next_number()` is called up to the value. A store may offer batch inserts
(`add_tasks`, `add_edges`: PostgreSQL does, a round trip per row adds up).
Outbox: notifications still waiting to be sent move with a copy (as new, unsent
items); sent ones and delivery attempts are bookkeeping and stay behind.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from attrs import define, evolve, field, fields, frozen

from orchestron.core.domain import (
    ContextRecord,
    Event,
    Handoff,
    HumanRequest,
    MemoryEntry,
    Message,
    Notification,
    Session,
    Sprint,
    Task,
)
from orchestron.core.domain.ids import id_number, id_sort_key
from orchestron.core.errors import ForbiddenError, StorageError
from orchestron.core.ports import MemoryFilter, Storage, TaskFilter, UnitOfWork
from orchestron.core.serialize import to_jsonable
from orchestron.core.services.records import MAX_STEPS

__all__ = [
    "Contents",
    "CopyReport",
    "NotEmptyError",
    "amount",
    "copy_store",
    "holdings",
    "read_contents",
    "snapshot",
    "write_contents",
]

_SEQUENTIAL_ID = re.compile(r"^([A-Z]+)-(\d+)$")  # TASK-001, SPRINT-002, ... (not uuids)
_ALL = 1_000_000  # "every one": the outbox port reads a page at a time


def _sorted_by_id(key: Callable[[Any], Any] = lambda r: ()) -> Callable[[Any], Any]:
    return lambda r: (key(r), id_sort_key(r.id))


def _session_order(s: Session) -> tuple[Any, str]:
    return s.started_at, s.id


_handoff_order = _sorted_by_id(lambda h: h.created_at)


@define
class Contents:
    """Everything a project holds, as domain objects, one list per record kind."""

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

    def sections(self) -> dict[str, list[Any]]:
        """Each record kind and its records, in the order above."""
        return {f.name: getattr(self, f.name) for f in fields(Contents)}

    def sizes(self) -> dict[str, int]:
        return {kind: len(records) for kind, records in self.sections().items()}

    def sorted(self) -> Contents:
        """Each kind in its canonical order: the same project gives the same contents."""
        return Contents(
            tasks=sorted(self.tasks, key=_sorted_by_id()),
            dependencies=sorted(
                self.dependencies, key=lambda e: (id_sort_key(e[0]), id_sort_key(e[1]))
            ),
            sprints=sorted(self.sprints, key=_sorted_by_id()),
            sessions=sorted(self.sessions, key=_session_order),
            contexts=sorted(self.contexts, key=lambda x: (x.id or 0, x.saved_at)),
            handoffs=sorted(self.handoffs, key=_handoff_order),
            requests=sorted(self.requests, key=_sorted_by_id(lambda r: r.created_at)),
            messages=sorted(self.messages, key=_sorted_by_id(lambda m: m.created_at)),
            events=sorted(self.events, key=lambda e: e.seq or 0),
            memory=sorted(self.memory, key=_sorted_by_id()),
        )

    def counters(self) -> dict[str, int]:
        """The highest number each id sequence (`TASK`, `SPRINT`, ...) uses."""
        out: dict[str, int] = {}
        for kind, records in self.sections().items():
            if kind in ("dependencies", "contexts", "events"):  # numbered by the store itself
                continue
            for record in records:
                match = _SEQUENTIAL_ID.match(record.id)
                number = id_number(record.id) if match else None
                if match and number is not None:
                    out[match[1]] = max(out.get(match[1], 0), number)
        return dict(sorted(out.items()))


def amount(n: int, kind: str) -> str:
    """`1 dependency`, `3 memory entries`: a count of one kind of record, in words."""
    one, many = _WORDS.get(kind, (kind.removesuffix("s"), kind))
    return f"{n} {one if n == 1 else many}"


_WORDS = {
    "dependencies": ("dependency", "dependencies"),
    "memory": ("memory entry", "memory entries"),
    "outbox": ("notification waiting to be sent", "notifications waiting to be sent"),
}


class NotEmptyError(ForbiddenError):
    """The store to copy into holds records already; `held` counts them by kind."""

    def __init__(self, held: dict[str, int]) -> None:
        self.held = dict(held)
        super().__init__(
            f"the store to copy into already holds {', '.join(held)} "
            f"({', '.join(amount(n, kind) for kind, n in held.items())}); "
            "copy into an empty store (a new database or file)"
        )


async def read_contents(tx: UnitOfWork) -> Contents:
    """Everything the store behind `tx` holds (sessions and handoffs in time order)."""
    return Contents(
        tasks=await tx.tasks.list(TaskFilter()),
        dependencies=await tx.deps.all(),
        sprints=await tx.sprints.list(),
        sessions=sorted(await tx.sessions.list(), key=_session_order),
        contexts=await tx.contexts.all(),
        handoffs=sorted(await tx.handoffs.list(), key=_handoff_order),
        requests=await tx.requests.list(),
        messages=await tx.messages.list(),
        events=await tx.events.list(after=0),
        memory=await tx.memory.list(MemoryFilter()),
    )


async def _waiting(tx: UnitOfWork) -> list[Notification]:
    return [item.notification for item in await tx.outbox.pending(limit=_ALL)]


async def holdings(tx: UnitOfWork) -> dict[str, int]:
    """What the store behind `tx` holds, by record kind, leaving out the kinds it holds
    none of: `{}` is the one meaning of an empty store."""
    held = (await read_contents(tx)).sizes()
    held["outbox"] = len(await _waiting(tx))
    return {kind: n for kind, n in held.items() if n}


class _Versioned(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=_Versioned)


class _Repository(Protocol[V]):
    async def add(self, item: V, /) -> Any: ...
    async def get(self, ident: str, /) -> V | None: ...
    async def update(self, item: V, /) -> None: ...


async def _add_all(repo: _Repository[V], items: Sequence[V]) -> None:
    """Insert each, then bring its stored version up to the copied one."""
    for item in items:
        await repo.add(item)
    stored: dict[str, int] = {}
    for item in items:
        if item.version > 1 and (found := await repo.get(item.id)) is not None:
            stored[item.id] = found.version
    await _catch_up(repo.update, items, stored)


async def _catch_up(
    update: Callable[[Any], Awaitable[None]], items: Sequence[V], stored: Mapping[str, int]
) -> None:
    """Step each item's stored version (`stored`, 1 when missing) up to the copied one:
    the port's `add` may store version 1."""
    for item in items:
        for v in range(stored.get(item.id, 1) + 1, item.version + 1):
            await update(evolve(item, version=v))  # type: ignore[misc]


def _parents_first(tasks: Sequence[Task]) -> list[Task]:
    placed: set[str] = set()
    ordered: list[Task] = []
    pending = sorted(tasks, key=_sorted_by_id())
    known = {t.id for t in tasks}
    while pending:
        rest = []
        for t in pending:
            if t.parent is None or t.parent in placed or t.parent not in known:
                ordered.append(t)
                placed.add(t.id)
            else:
                rest.append(t)
        if len(rest) == len(pending):  # a parent cycle: keep the order they came in
            ordered.extend(rest)
            break
        pending = rest
    return ordered


async def write_contents(
    tx: UnitOfWork,
    contents: Contents,
    counters: dict[str, int],
    *,
    outbox: Sequence[Notification] = (),
) -> None:
    """Recreate `contents` in the empty store behind `tx`, exactly, and check it did.

    NotEmptyError when the store holds anything; StorageError when the store
    would number something differently (a gap in the source) or the records read
    back differ. Either way the caller's unit of work rolls back: nothing is written.
    """
    held = await holdings(tx)
    if held:
        raise NotEmptyError(held)
    await _add_all(tx.sessions, contents.sessions)
    await _add_all(tx.sprints, contents.sprints)
    await _add_tasks(tx, _parents_first(contents.tasks), contents.dependencies)
    for record in sorted(contents.contexts, key=lambda x: x.id or 0):
        _same_number("context", record.id, (await tx.contexts.add(record)).id)
    await _add_all(tx.handoffs, contents.handoffs)
    await _add_all(tx.requests, contents.requests)
    await _add_all(tx.memory, contents.memory)
    await _add_messages(tx, contents.messages)
    for event in sorted(contents.events, key=lambda e: e.seq or 0):
        _same_number("event", event.seq, (await tx.events.append(event)).seq)
    for notification in outbox:
        await tx.outbox.add(notification)
    await _restore_counters(tx, counters)
    difference = _first_difference(contents, await read_contents(tx))
    if difference:
        raise StorageError(
            f"the copy would not be exact (first difference in {difference}); nothing was written"
        )


async def _add_tasks(tx: UnitOfWork, tasks: list[Task], edges: list[tuple[str, str]]) -> None:
    add_tasks = getattr(tx, "add_tasks", None)
    add_edges = getattr(tx, "add_edges", None)
    if add_tasks is not None and add_edges is not None:
        await add_tasks(tasks)
        await add_edges(edges)
    else:
        for task in tasks:
            await tx.tasks.add(task)
        for task_id, depends_on in edges:
            await tx.deps.add(task_id, depends_on)
    stepped = [t for t in tasks if t.version > 1]
    stored = {t.id: t.version for t in await tx.tasks.get_many([t.id for t in stepped])}
    await _catch_up(tx.tasks.update, stepped, stored)


async def _add_messages(tx: UnitOfWork, messages: list[Message]) -> None:
    for message in messages:
        await tx.messages.add(message)
    delivered = [m for m in messages if m.delivered_at is not None]
    if not delivered:
        return
    stored = {m.id: m for m in await tx.messages.list()}
    for m in delivered:  # a store whose `add` leaves delivery out gets it marked
        if stored[m.id].delivered_at is None and m.delivered_at is not None:
            await tx.messages.mark_delivered(
                [m.id], to=m.delivered_to or "", via=m.delivered_via or "", at=m.delivered_at
            )


def _same_number(kind: str, want: int | None, got: int | None) -> None:
    if want is not None and want != got:
        raise StorageError(
            f"{kind} {want} would be stored as {kind} {got}: the {kind} numbers of the source "
            "have a gap; nothing was written"
        )


async def _restore_counters(tx: UnitOfWork, counters: dict[str, int]) -> None:
    direct = getattr(tx, "set_counter", None)
    for prefix, value in counters.items():
        if direct is not None:
            await direct(prefix, value)
            continue
        if value > MAX_STEPS:
            raise StorageError(
                f"counter {prefix} is at {value}, too far to step the new store to "
                f"(at most {MAX_STEPS}); nothing was written"
            )
        current = 0
        while current < value:
            current = await tx.next_number(prefix)


def _first_difference(want: Contents, got: Contents) -> str:
    """Where two projects first differ (`tasks[3] (title)`), or "" when they are the same."""
    theirs = got.sorted().sections()
    for kind, records in want.sorted().sections().items():
        a, b = to_jsonable(records), to_jsonable(theirs[kind])
        if a == b:
            continue
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                diff = sorted(k for k in x if x.get(k) != y.get(k)) if isinstance(x, dict) else []
                return f"{kind}[{i}]" + (f" ({', '.join(diff)})" if diff else "")
        return f"{kind} ({len(a)} in the source, {len(b)} stored)"
    return ""


async def _counters(tx: UnitOfWork, contents: Contents) -> dict[str, int]:
    exact = getattr(tx, "counters", None)
    if exact is not None:
        found: dict[str, int] = await exact()
        return found
    return contents.counters()


@frozen
class CopyReport:
    """What a copy carried, by kind."""

    counts: dict[str, int]

    def describe(self) -> str:
        return ", ".join(amount(n, kind) for kind, n in self.counts.items())


async def copy_store(src: Storage, dst: Storage) -> CopyReport:
    """Copy everything `src` holds into the empty store `dst`, as one transaction."""
    async with src.transaction(write=False) as rtx:
        contents = await read_contents(rtx)
        counters = await _counters(rtx, contents)
        outbox = await _waiting(rtx)
    async with dst.transaction(write=True) as tx:
        await write_contents(tx, contents, counters, outbox=outbox)
    return CopyReport(counts={**contents.sizes(), "outbox": len(outbox)})


async def snapshot(storage: Storage) -> dict[str, Any]:
    """Everything `storage` holds, as JSON-ready data in a stable order."""
    async with storage.transaction(write=False) as tx:
        contents = await read_contents(tx)
        state: dict[str, Any] = {
            **contents.sections(),
            "outbox": await _waiting(tx),
            "counters": await _counters(tx, contents),
        }
    return {key: to_jsonable(value) for key, value in state.items()}
