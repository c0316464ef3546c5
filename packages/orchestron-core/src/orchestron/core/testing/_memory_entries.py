"""The in-memory MemoryRepository: the reference the contract checks adapters against."""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence

from orchestron.core.domain.memory import MemoryEntry
from orchestron.core.domain.recall import words
from orchestron.core.errors import ConflictError, NotFoundError
from orchestron.core.ports import MemoryFilter, search_matches

__all__ = ["MemoryEntries"]


def _key(ident: str) -> tuple[str, int, str]:
    head, _, tail = ident.rpartition("-")
    return (head, int(tail), ident) if tail.isdigit() else (ident, -1, ident)


class MemoryEntries:
    def __init__(self, entries: dict[str, MemoryEntry]) -> None:
        self._entries = entries

    async def get(self, entry_id: str) -> MemoryEntry | None:
        return self._entries.get(entry_id)

    async def get_many(self, entry_ids: Sequence[str]) -> builtins.list[MemoryEntry]:
        return [self._entries[i] for i in entry_ids if i in self._entries]

    async def add(self, entry: MemoryEntry) -> None:
        if entry.id in self._entries:
            raise ConflictError(
                f"memory {entry.id} already exists", entity="memory", ident=entry.id
            )
        self._entries[entry.id] = entry

    async def update(self, entry: MemoryEntry) -> None:
        current = self._entries.get(entry.id)
        if current is None:
            raise NotFoundError("memory", entry.id)
        if current.version != entry.version - 1:
            raise ConflictError.stale(
                "memory", entry.id, entry.version - 1, current.version, current.updated_by or None
            )
        self._entries[entry.id] = entry

    def _matching(self, flt: MemoryFilter) -> builtins.list[MemoryEntry]:
        return [e for e in self._entries.values() if flt.matches(e)]

    async def list(
        self, flt: MemoryFilter, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[MemoryEntry]:
        out = sorted(self._matching(flt), key=lambda e: _key(e.id))
        if after is not None:
            out = [e for e in out if _key(e.id) > _key(after)]
        return out[:limit] if limit is not None else out

    async def count(self, flt: MemoryFilter) -> int:
        return len(self._matching(flt))

    async def recent(self, flt: MemoryFilter, *, limit: int) -> builtins.list[MemoryEntry]:
        out = sorted(
            self._matching(flt), key=lambda e: (e.last_confirmed, _key(e.id)), reverse=True
        )
        return out[:limit]

    async def search(
        self, terms: Sequence[str], flt: MemoryFilter, *, limit: int
    ) -> builtins.list[MemoryEntry]:
        """Simple tokenised scoring: each term found, weighted by how rare it is."""
        if not terms:
            return []
        found = [e for e in self._matching(flt) if search_matches(terms, e)]
        total = max(len(self._entries), 1)
        seen = {t: sum(1 for e in self._entries.values() if search_matches([t], e)) for t in terms}
        rarity = {t: math.log(1 + total / max(seen[t], 1)) for t in terms}

        def score(entry: MemoryEntry) -> float:
            ws = [*words(entry.topic), *words(entry.text), *words(entry.rationale)]
            return sum(rarity[t] for t in terms if any(w.startswith(t) for w in ws))

        found.sort(key=lambda e: (-score(e), _key(e.id)))
        return found[:limit]
