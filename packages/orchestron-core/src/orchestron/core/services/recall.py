"""Reading project memory: get, list, recall, the stale list and the resume index.

Stores narrow the candidates (their full-text index, indexed filters, and the
cells of the vectors of meaning); the core ranks them with the pure measures
of `domain.recall`, so every store gives the same order: a blend of relevance
to the query's words and closeness in meaning, then ties to the task's labels
and files, then recency. Without an embedding model, words alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from attrs import evolve, field, frozen

from orchestron.core.domain.claims import files_in
from orchestron.core.domain.enums import parse_enum
from orchestron.core.domain.ids import parse_count
from orchestron.core.domain.judge import judge
from orchestron.core.domain.memory import (
    MemoryEntry,
    MemoryKind,
    MemoryStatus,
    normalise_files,
    normalise_topic,
    path_related,
    shorten,
)
from orchestron.core.domain.recall import (
    Focus,
    blend,
    blend_key,
    query_terms,
    recency,
    tie_score,
)
from orchestron.core.domain.task import Task
from orchestron.core.errors import InvalidInputError, NotFoundError
from orchestron.core.ports import MemoryFilter
from orchestron.core.services._base import Caller, Ports, Service, Work, normalise_id
from orchestron.core.services.meaning import MeaningService

__all__ = ["INDEX_BUDGET", "MemoryPage", "RecallService", "StaleEntry"]

INDEX_BUDGET = 800  # bytes of the resume package given to the memory index
MAX_PAGE = 200
_LIVE = (MemoryStatus.ACTIVE, MemoryStatus.DISPUTED)


def _entries(values: Iterable[MemoryEntry]) -> tuple[MemoryEntry, ...]:
    return tuple(values)


@frozen
class MemoryPage:
    """One page of entries; pass `next_cursor` as `after` for the next (None: no more)."""

    entries: tuple[MemoryEntry, ...] = field(converter=_entries)
    next_cursor: str | None = None

    @property
    def lines(self) -> list[str]:
        """One compact line per entry, the default shape for an agent."""
        return [e.line() for e in self.entries]


@frozen
class StaleEntry:
    """An active entry to check again, and why."""

    entry: MemoryEntry
    reasons: tuple[str, ...]
    # The live entry it may restate, when that is why it is listed.
    maybe_same: MemoryEntry | None = None


class RecallService(Service):
    """Reading project memory: entries, recall, the stale list, the index for resume."""

    def __init__(self, ports: Ports, caller: Caller | None, meaning: MeaningService) -> None:
        super().__init__(ports, caller)
        self.meaning = meaning

    async def get_memory(self, entry_id: str) -> MemoryEntry:
        async with self._read() as work:
            return await self.entry(work, entry_id)

    async def list_memory(
        self,
        *,
        status: MemoryStatus | str | None = None,
        kind: MemoryKind | str | None = None,
        topic: str | None = None,
        limit: int = 50,
        after: str | None = None,
    ) -> MemoryPage:
        """Entries in id order (any status unless `status` says); `after` is the last id seen."""
        flt = MemoryFilter(
            statuses=(parse_enum(MemoryStatus, status, "status"),) if status is not None else (),
            kinds=(parse_enum(MemoryKind, kind, "kind"),) if kind is not None else (),
            topic=normalise_topic(topic) if topic is not None else None,
        )
        size = _check_limit(limit)
        cursor = normalise_id(after) if after else None
        async with self._read() as work:
            found = await work.tx.memory.list(flt, after=cursor, limit=size + 1)
        more = len(found) > size
        found = found[:size]
        return MemoryPage(found, found[-1].id if more and found else None)

    async def recall(
        self,
        query: str | None = None,
        *,
        task_id: str | None = None,
        files: Sequence[str] = (),
        kind: MemoryKind | str | None = None,
        limit: int = 10,
        after: str | None = None,
    ) -> MemoryPage:
        """Active and disputed entries, best first: relevance to `query`, then ties to the
        task's labels and files (and `files`), then the most recently confirmed.

        Without a query every live entry is a candidate (ties and recency rank them).
        `after` is the `next_cursor` of the previous page.
        """
        if query is not None and not isinstance(query, str):
            raise InvalidInputError("query", f"must be text, not {type(query).__name__}")
        terms = query_terms(query)
        if query and query.strip() and not terms:
            raise InvalidInputError("query", "has no words to search for")
        kinds = (parse_enum(MemoryKind, kind, "kind"),) if kind is not None else ()
        size = _check_limit(limit)
        offset = _offset(after)
        extra = normalise_files(files)
        # Candidates the store hands over for ranking: a few pages' worth.
        cap = max(40, 3 * (offset + size))
        flt = MemoryFilter(statuses=_LIVE, kinds=kinds)
        vector = self.meaning.embed(query) if terms and query else None
        async with self._read() as work:
            focus = await self._focus(work, task_id, extra)
            if terms:
                found = await work.tx.memory.search(terms, flt, limit=cap)
            else:
                found = await self._around(work, flt, focus, cap)
            meaning = await self.meaning.meaning(work, vector, flt, found, cap)
        ranked = sorted(_unique(found), key=lambda e: blend_key(e, terms, focus, meaning.get(e.id)))
        page = ranked[offset : offset + size]
        more = len(ranked) > offset + size
        return MemoryPage(page, str(offset + size) if more else None)

    async def stale(self) -> list[StaleEntry]:
        """Active entries to check again, least recently confirmed first: past their review
        date (and not confirmed since), or about files that sessions other than the ones
        that said them touched (by their saved contexts) after they were last confirmed."""
        async with self._read() as work:
            today = work.now.date()
            reasons: dict[str, list[str]] = {}
            entries: dict[str, MemoryEntry] = {}
            due = MemoryFilter(statuses=(MemoryStatus.ACTIVE,), review_due=today)
            for entry in await work.tx.memory.list(due):
                assert entry.review_date is not None
                if entry.last_confirmed.date() < entry.review_date:
                    entries[entry.id] = entry
                    reasons.setdefault(entry.id, []).append(
                        f"review date {entry.review_date.isoformat()} has passed"
                    )
            touched: dict[str, dict[str, set[str]]] = {}
            for record in await work.tx.contexts.all():
                paths = files_in(record.data)
                if not paths:
                    continue
                flt = MemoryFilter(statuses=(MemoryStatus.ACTIVE,), files=paths)
                for entry in await work.tx.memory.list(flt):
                    if record.saved_at <= entry.last_confirmed:
                        continue
                    if record.session_id in entry.sessions:
                        continue
                    entries[entry.id] = entry
                    hit = [p for p in paths if any(path_related(p, f) for f in entry.files)]
                    by = touched.setdefault(entry.id, {})
                    who = f"{record.session_id} ({record.agent_id})"
                    by.setdefault(who, set()).update(hit)
        for entry_id, sessions in touched.items():
            for who, hit_paths in sorted(sessions.items()):
                names = sorted(hit_paths)
                shown = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
                reasons.setdefault(entry_id, []).append(
                    f"{shown} touched by session {who} since last confirmed"
                )
        out = [StaleEntry(entries[i], tuple(reasons[i])) for i in entries]
        out += await self._maybe_same()
        out.sort(key=lambda s: (s.entry.last_confirmed, _number(s.entry.id)))
        return out

    async def _maybe_same(self) -> list[StaleEntry]:
        """Entries kept beside another they may restate (the evidence was weak)."""
        out = []
        async with self._read() as work:
            flagged = MemoryFilter(statuses=_LIVE, maybe_same=True)
            for entry in await work.tx.memory.list(flagged, limit=MAX_PAGE):
                assert entry.maybe_same is not None
                other = await work.tx.memory.get(entry.maybe_same)
                if other is None or not other.status.live:
                    continue
                why = judge(entry.text, entry.topic, other.text, other.topic).reason
                reason = (
                    f'maybe the same as {other.id} "{shorten(other.text, 60)}" ({why}): '
                    "confirm it if both hold, or retire the one that repeats the other"
                )
                out.append(StaleEntry(entry, (reason,), other))
        return out

    async def memory_index(
        self,
        task_id: str | None = None,
        *,
        files: Sequence[str] = (),
        budget: int = INDEX_BUDGET,
    ) -> list[str]:
        """Short lines (id, topic, a few words) for the entries that matter to the task in
        hand, best first, within `budget` bytes; disputed entries are always listed first.
        Bodies come from `recall` or `get_memory`."""
        if isinstance(budget, bool) or not isinstance(budget, int) or budget < 80:
            raise InvalidInputError(
                "budget", f"must be a whole number of bytes, 80 or more, not {budget!r}"
            )
        extra = normalise_files(files)
        async with self._read() as work:
            task = await work.task(task_id) if task_id else None
            return await self.index(work, task, extra, budget)

    # -- shared with the write side and with resume -------------------------------------------

    async def entry(self, work: Work, entry_id: str) -> MemoryEntry:
        found = await work.tx.memory.get(normalise_id(entry_id))
        if found is None:
            raise NotFoundError("memory", entry_id)
        return found

    async def _focus(self, work: Work, task_id: str | None, files: tuple[str, ...]) -> Focus:
        if task_id is None:
            return Focus(files=files)
        task = await work.task(task_id)
        return await self._task_focus(work, task, files)

    async def _task_focus(self, work: Work, task: Task, files: tuple[str, ...]) -> Focus:
        record = await work.tx.contexts.latest_for_task(task.id)
        touched = files_in(record.data) if record is not None else ()
        return Focus(task_id=task.id, labels=task.labels, files=(*files, *touched))

    async def _around(
        self, work: Work, flt: MemoryFilter, focus: Focus, cap: int
    ) -> list[MemoryEntry]:
        """Candidates without a query: the most recent, and whatever is tied to the focus."""
        found = await work.tx.memory.recent(flt, limit=cap)
        if focus.task_id:
            found += await work.tx.memory.list(evolve(flt, task=focus.task_id), limit=cap)
        if focus.files:
            found += await work.tx.memory.list(evolve(flt, files=focus.files), limit=cap)
        if focus.labels:
            found += await work.tx.memory.search(
                query_terms(" ".join(focus.labels)), flt, limit=cap
            )
        return found

    async def index(
        self, work: Work, task: Task | None, files: tuple[str, ...], budget: int
    ) -> list[str]:
        disputed = await work.tx.memory.list(
            MemoryFilter(statuses=(MemoryStatus.DISPUTED,)), limit=100
        )
        focus = await self._task_focus(work, task, files) if task else Focus(files=files)
        active = MemoryFilter(statuses=(MemoryStatus.ACTIVE,))
        about = f"{task.title} {' '.join(task.labels)}" if task else ""
        terms = query_terms(about) if task else ()
        found = await self._around(work, active, focus, 20)
        if terms:
            found += await work.tx.memory.search(terms, active, limit=20)
        vector = self.meaning.embed(about) if terms else None
        meaning = await self.meaning.meaning(work, vector, active, found, 20)
        ranked = sorted(
            _unique(found),
            key=lambda e: (
                -tie_score(e, focus),
                -blend(terms, e, meaning.get(e.id)),
                -recency(e).timestamp(),
                _number(e.id),
            ),
        )
        return _fit(
            [_disputed_line(e) for e in disputed],
            [_index_line(e) for e in ranked],
            budget,
        )


def _fit(must: list[str], ranked: list[str], budget: int) -> list[str]:
    """Disputed lines first, then by rank while the whole stays within `budget` bytes."""
    out: list[str] = []
    used = 0

    def room_for(line: str, reserve: int = 0) -> bool:
        return used + len(line.encode("utf-8")) + 1 + reserve <= budget

    # The index reaches agents only (MCP, hooks), so it names their tool.
    tail = "… more: recall query=WORDS for the rest"
    reserve = len(tail.encode("utf-8")) + 1
    for i, line in enumerate(must):
        if not room_for(line, reserve):
            out.append(f"… {len(must) - i} more disputed: recall shows them; leave them be")
            return out
        out.append(line)
        used += len(line.encode("utf-8")) + 1
    for i, line in enumerate(ranked):
        if not room_for(line, reserve if i < len(ranked) - 1 else 0):
            out.append(tail)
            return out
        out.append(line)
        used += len(line.encode("utf-8")) + 1
    return out


def _index_line(entry: MemoryEntry) -> str:
    return f"{entry.id} {entry.topic}: {shorten(entry.text, 48)}"


def _disputed_line(entry: MemoryEntry) -> str:
    return f"{entry.id} DISPUTED {entry.topic}: {shorten(entry.text, 40)} ({entry.dispute})"


def _unique(found: Iterable[MemoryEntry]) -> list[MemoryEntry]:
    seen: dict[str, MemoryEntry] = {}
    for e in found:
        seen.setdefault(e.id, e)
    return list(seen.values())


def _number(ident: str) -> int:
    tail = ident.rpartition("-")[2]
    return int(tail) if tail.isdigit() else 0


def _check_limit(limit: object) -> int:
    if isinstance(limit, str):  # a count is a number here, not digits
        raise InvalidInputError("limit", f"must be a whole number from 1 to {MAX_PAGE}")
    return parse_count(limit, "limit", low=1, high=MAX_PAGE)


def _offset(after: object) -> int:
    if after is None or after == "":
        return 0
    if not isinstance(after, str):
        raise InvalidInputError("after", "must be the cursor from a previous page (next_cursor)")
    return parse_count(after, "after", what="the cursor from a previous page (next_cursor)")
