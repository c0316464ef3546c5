"""Meaning, for memory: vectors of texts, the entries near one, and their cosines.

The `Embedder` port (when one is wired in) turns texts into vectors; the store
finds candidates near a vector through its cells (or, in a small store, every
entry is compared); the core ranks them by cosine. Entries kept before a model
was wired in get a vector when a write meets them.
"""

from __future__ import annotations

from orchestron.core.domain.memory import MemoryEntry
from orchestron.core.domain.vectors import Vector, cosine
from orchestron.core.ports import MemoryFilter
from orchestron.core.services._base import Service, Work

__all__ = ["MEANING_FLOOR", "SCAN_BELOW", "MeaningService"]

# An entry found by meaning alone (no query word in it) is a result from this cosine up.
MEANING_FLOOR = 0.25
# Up to this many live entries, every one is compared by meaning (no index needed) when
# the cells give fewer candidates than asked for.
SCAN_BELOW = 300


class MeaningService(Service):
    """Vectors of meaning for memory, through the `Embedder` port when one is wired in."""

    async def embed_memory(self, *, batch: int = 256, actor: str | None = None) -> int:
        """Give every entry without a vector of the wired-in model one (entries kept before
        the model was installed, or imported); returns how many. 0 without a model."""
        if self.embedder is None:
            return 0
        done = 0
        while True:
            async with self._write(actor) as work:
                missing = await work.tx.memory.unembedded(self.embedder.model, limit=batch)
                await self.vectors_of(work, missing)
            done += len(missing)
            if len(missing) < batch:
                return done

    def embed(self, text: str) -> Vector | None:
        if self.embedder is None:
            return None
        [vector] = self.embedder.embed([text])
        return tuple(vector)

    async def meaning(
        self,
        work: Work,
        vector: Vector | None,
        flt: MemoryFilter,
        found: list[MemoryEntry],
        cap: int,
    ) -> dict[str, float]:
        """Each candidate's cosine beside the query, with the entries near it in meaning
        (above the floor) added to `found`. Empty without a vector."""
        if vector is None or self.embedder is None:
            return {}
        meaning: dict[str, float] = {}
        for entry, v in await self.near_in_meaning(work, vector, flt, cap):
            meaning[entry.id] = cosine(vector, v)
            if meaning[entry.id] >= MEANING_FLOOR:
                found.append(entry)
        missing = list({e.id: e for e in found if e.id not in meaning}.values())
        stored = await self._stored_vectors(work, missing)
        for e in missing:
            meaning[e.id] = cosine(vector, stored[e.id])
        return meaning

    async def near_in_meaning(
        self, work: Work, vector: Vector, flt: MemoryFilter, limit: int, *, keep: bool = False
    ) -> list[tuple[MemoryEntry, Vector]]:
        """Candidates near `vector`: through the store's cells, or, in a store small enough,
        every entry matching `flt` (exact, and no index to miss a faint likeness). `keep`
        (in a write): an entry without a vector keeps the one made for it."""
        assert self.embedder is not None
        near = await work.tx.memory.near(vector, self.embedder.model, flt, limit=limit)
        if len(near) >= limit:
            return near  # many share a cell: the store is not small
        # Few entries share a cell: in a small store, compare every one.
        if await work.tx.memory.count(flt) > SCAN_BELOW:
            return near
        everyone = await work.tx.memory.recent(flt, limit=SCAN_BELOW)
        stored = await (self.vectors_of if keep else self._stored_vectors)(work, everyone)
        return [(e, stored[e.id]) for e in everyone]

    async def _stored_vectors(self, work: Work, entries: list[MemoryEntry]) -> dict[str, Vector]:
        """The entries' vectors; one kept before a model was wired in is made now (not
        stored: this is a read; the next `remember` near it stores it)."""
        assert self.embedder is not None
        if not entries:
            return {}
        stored = await work.tx.memory.vectors([e.id for e in entries], self.embedder.model)
        unstored = [e for e in entries if e.id not in stored]
        if unstored:
            made = self.embedder.embed([e.text for e in unstored])
            stored.update(zip((e.id for e in unstored), (tuple(v) for v in made), strict=True))
        return stored

    async def vectors_of(self, work: Work, entries: list[MemoryEntry]) -> dict[str, Vector]:
        """Stored vectors for `entries`; any without one (kept before a model was wired in)
        gets one now, and keeps it."""
        assert self.embedder is not None
        model = self.embedder.model
        found = await work.tx.memory.vectors([e.id for e in entries], model) if entries else {}
        missing = [e for e in entries if e.id not in found]
        if missing:
            for e, v in zip(missing, self.embedder.embed([e.text for e in missing]), strict=True):
                found[e.id] = tuple(v)
                await work.tx.memory.set_vector(e.id, model, v)
        return found
