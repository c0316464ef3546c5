"""The in-memory MemoryRepository: the reference the contract checks adapters against."""

from __future__ import annotations

import builtins
import functools
from collections import Counter
from collections.abc import Sequence
from typing import Any

from orchestron.core.domain.ids import id_sort_key
from orchestron.core.domain.memory import MemoryEntry
from orchestron.core.domain.recall import words
from orchestron.core.domain.vectors import PROBES, Vector, vector_cells
from orchestron.core.errors import ConflictError, NotFoundError
from orchestron.core.ports import MemoryFilter, near_matches, similar_matches

__all__ = ["MemoryEntries"]


def _key(ident: str) -> tuple[str, int, str]:
    return id_sort_key(ident)


@functools.lru_cache(maxsize=100_000)
def _prefixes(topic: str, text: str, rationale: str | None) -> frozenset[str]:
    """Every prefix of every word: a term matches when it is one of them."""
    found = (*words(topic), *words(text), *words(rationale))
    return frozenset(w[:i] for w in found for i in range(1, len(w) + 1))


def _has(entry: MemoryEntry, term: str) -> bool:
    return term in _prefixes(entry.topic, entry.text, entry.rationale)


_VECTORS = "memory_vectors"


class MemoryEntries:
    def __init__(self, entries: dict[str, MemoryEntry], extra: dict[str, Any]) -> None:
        self._entries = entries
        # {entry id: (model, vector)}, replaced whole on each write so that a unit of work
        # that fails leaves the one it started with (the storage copies `extra` shallowly).
        self._extra = extra

    @property
    def _vectors(self) -> dict[str, tuple[str, Vector]]:
        found: dict[str, tuple[str, Vector]] = self._extra.get(_VECTORS, {})
        return found

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
        """Simple tokenised scoring: how many of the terms an entry has."""
        if not terms:
            return []
        hits = {e.id: sum(1 for t in terms if _has(e, t)) for e in self._matching(flt)}
        found = [e for e in self._matching(flt) if hits[e.id]]

        def score(entry: MemoryEntry) -> int:
            return hits[entry.id]

        found.sort(key=lambda e: (-score(e), _key(e.id)))
        return found[:limit]

    async def similar(
        self, text: str, flt: MemoryFilter, *, limit: int
    ) -> builtins.list[MemoryEntry]:
        shared = {e.id: similar_matches(text, e) for e in self._matching(flt)}
        found = [e for e in self._matching(flt) if shared[e.id]]
        found.sort(key=lambda e: (-shared[e.id], _key(e.id)))
        return found[:limit]

    async def set_vector(self, entry_id: str, model: str, vector: Sequence[float]) -> None:
        if entry_id not in self._entries:
            raise NotFoundError("memory", entry_id)
        self._extra[_VECTORS] = {**self._vectors, entry_id: (model, tuple(vector))}

    async def vectors(self, entry_ids: Sequence[str], model: str) -> dict[str, Vector]:
        stored = self._vectors
        return {i: stored[i][1] for i in entry_ids if i in stored and stored[i][0] == model}

    async def unembedded(self, model: str, *, limit: int) -> builtins.list[MemoryEntry]:
        stored = self._vectors
        found = [
            e for e in self._entries.values() if e.id not in stored or stored[e.id][0] != model
        ]
        return sorted(found, key=lambda e: _key(e.id))[:limit]

    async def near(
        self,
        vector: Sequence[float],
        model: str,
        flt: MemoryFilter,
        *,
        limit: int,
        probes: int = PROBES,
    ) -> builtins.list[tuple[MemoryEntry, Vector]]:
        stored = self._vectors
        held: Counter[int] = Counter(c for _, v in stored.values() for c in vector_cells(v))
        shared: dict[str, int] = {}
        for e in self._matching(flt):
            if e.id in stored and stored[e.id][0] == model:
                n = near_matches(vector, stored[e.id][1], held, probes)
                if n:
                    shared[e.id] = n
        ids = sorted(shared, key=lambda i: (-shared[i], _key(i)))[:limit]
        return [(self._entries[i], stored[i][1]) for i in ids]
