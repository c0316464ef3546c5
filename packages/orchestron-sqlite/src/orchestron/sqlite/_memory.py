"""Project memory on SQLite: indexed filters, recency, and FTS5 full-text search.

Files and tasks named in an entry's provenance live in `memory_refs` and the
topic, text and rationale in the `memory_fts` index; triggers keep both in
step with the `memory` table (see `_schema`).
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from typing import Any

from orchestron.core.domain.memory import MemoryEntry
from orchestron.core.domain.recall import text_bands
from orchestron.core.domain.vectors import (
    PROBES,
    Vector,
    pack,
    unpack,
    useful_cells,
    vector_cells,
)
from orchestron.core.errors import NotFoundError
from orchestron.core.ports import MemoryFilter
from orchestron.sqlite._codec import RowCodec, id_key
from orchestron.sqlite._db import Database
from orchestron.sqlite._table import Table, fetch, fetch_one

__all__ = ["SqliteMemory"]

MEMORY: Table[MemoryEntry] = Table("memory", "memory", RowCodec(MemoryEntry), sortable=True)
_COLUMNS = MEMORY.codec.prefixed("m")
_ID_ORDER = "ORDER BY m.sort_head, m.sort_num, m.id"
_RECENT_ORDER = "ORDER BY m.last_confirmed DESC, m.sort_head DESC, m.sort_num DESC, m.id DESC"
# bm25 weights per column: a word in the topic counts most, then the text, then the rationale.
_RANK = "bm25(memory_fts, 3.0, 2.0, 1.0)"
# Up to this many matches a step is ranked by bm25; beyond it, newest first.
_RANKED = 1000
# A word in more entries than this (and than a tenth of them) is too common to search by alone.
_COMMON_FLOOR = 500
# Entries sharing cells with a vector that are joined and filtered before the limit is cut.
_NEAR_CAP = 200


def _ancestors(path: str) -> list[str]:
    """`src/db/x.py` -> [`src/db/x.py`, `src/db`, `src`]: itself and every folder above it."""
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts), 0, -1)]


def _where(flt: MemoryFilter) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    # With a task or files to look for, the references are the selective part: the unary
    # plus keeps the planner off the status index, which would scan most entries.
    plus = "+" if flt.task is not None or flt.files else ""
    if flt.statuses:
        clauses.append(f"{plus}m.status IN ({', '.join('?' for _ in flt.statuses)})")
        params += [s.value for s in flt.statuses]
    if flt.kinds:
        clauses.append(f"{plus}m.kind IN ({', '.join('?' for _ in flt.kinds)})")
        params += [k.value for k in flt.kinds]
    if flt.topic is not None:
        clauses.append("m.topic = ?")
        params.append(flt.topic)
    if flt.dispute is not None:
        clauses.append("m.dispute = ?")
        params.append(flt.dispute)
    if flt.task is not None:
        clauses.append("m.rid IN (SELECT rid FROM memory_refs WHERE kind = 'task' AND value = ?)")
        params.append(flt.task)
    if flt.files:
        # The same path, a folder holding it, or a path inside it ('/' + 1 is '0').
        same = sorted({a for f in flt.files for a in _ancestors(f)})
        ranges = " OR ".join("(value >= ? AND value < ?)" for _ in flt.files)
        clauses.append(
            "m.rid IN (SELECT rid FROM memory_refs WHERE kind = 'file' AND "
            f"(value IN ({', '.join('?' for _ in same)}) OR {ranges}))"
        )
        params += same
        for f in flt.files:
            params += [f + "/", f + "0"]
    if flt.maybe_same:
        clauses.append("m.maybe_same IS NOT NULL")
    if flt.review_due is not None:
        clauses.append("m.review_date IS NOT NULL AND m.review_date <= ?")
        params.append(flt.review_due.isoformat())
    return clauses, params


def _and(clauses: Sequence[str]) -> str:
    return " AND ".join(clauses) if clauses else "1"


def _phrase(term: str, *, prefix: bool) -> str:
    return '"' + term.replace('"', '""') + '"' + ("*" if prefix else "")


def any_of(terms: Sequence[str]) -> str:
    """FTS5: any of the terms, each as a prefix (`"migrat"*`)."""
    return " OR ".join(_phrase(t, prefix=True) for t in terms)


def all_of(terms: Sequence[str]) -> str:
    return " AND ".join(_phrase(t, prefix=True) for t in terms)


class SqliteMemory:
    def __init__(self, conn: Database) -> None:
        self._conn = conn

    async def get(self, entry_id: str) -> MemoryEntry | None:
        return await MEMORY.get(self._conn, entry_id)

    async def get_many(self, entry_ids: Sequence[str]) -> builtins.list[MemoryEntry]:
        if not entry_ids:
            return []
        found = {
            e.id: e
            for e in await MEMORY.many(
                self._conn,
                "WHERE id IN (SELECT value FROM json_each(?))",
                [json.dumps(list(entry_ids))],
            )
        }
        return [found[i] for i in entry_ids if i in found]

    async def add(self, entry: MemoryEntry) -> None:
        await MEMORY.insert(self._conn, entry)
        await self._write_bands(entry, fresh=True)

    async def update(self, entry: MemoryEntry) -> None:
        await MEMORY.update(self._conn, entry)
        await self._write_bands(entry, fresh=False)

    async def _write_bands(self, entry: MemoryEntry, *, fresh: bool) -> None:
        row = await fetch_one(self._conn, "SELECT rid FROM memory WHERE id = ?", [entry.id])
        rid = int(row[0])
        if not fresh:
            await self._conn.execute("DELETE FROM memory_bands WHERE rid = ?", [rid])
        await self._conn.executemany(
            "INSERT OR IGNORE INTO memory_bands (band, rid) VALUES (?, ?)",
            [(band, rid) for band in text_bands(entry.text)],
        )

    async def _select(self, sql: str, params: Sequence[Any]) -> builtins.list[MemoryEntry]:
        return MEMORY.load_all(await fetch(self._conn, sql, params))

    async def list(
        self, flt: MemoryFilter, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[MemoryEntry]:
        clauses, params = _where(flt)
        if after is not None:
            clauses.append("(m.sort_head, m.sort_num, m.id) > (?, ?, ?)")
            params += [*id_key(after), after]
        sql = f"SELECT {_COLUMNS} FROM memory AS m WHERE {_and(clauses)} {_ID_ORDER}"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return await self._select(sql, params)

    async def count(self, flt: MemoryFilter) -> int:
        clauses, params = _where(flt)
        row = await fetch_one(
            self._conn, f"SELECT count(*) FROM memory AS m WHERE {_and(clauses)}", params
        )
        return int(row[0])

    async def recent(self, flt: MemoryFilter, *, limit: int) -> builtins.list[MemoryEntry]:
        clauses, params = _where(flt)
        # Walk the recency index newest first and stop at the limit, rather than sort
        # every entry of a status; a topic (or dispute, task, files) is more selective.
        selective = flt.topic is not None or flt.dispute is not None or flt.task or flt.files
        index = "" if selective else " INDEXED BY memory_by_recency"
        sql = (
            f"SELECT {_COLUMNS} FROM memory AS m{index}"
            f" WHERE {_and(clauses)} {_RECENT_ORDER} LIMIT ?"
        )
        return await self._select(sql, [*params, limit])

    async def search(
        self, terms: Sequence[str], flt: MemoryFilter, *, limit: int
    ) -> builtins.list[MemoryEntry]:
        """Entries with a word starting with one of `terms`, in three cheap steps.

        Topics starting with a term (an index range); then entries with every
        term; then entries with any. A step whose matches are few is ranked by
        bm25; one whose matches are many (a common word) streams newest first,
        since scoring every match of a common word costs more than the budget.
        The core ranks whatever comes back.
        """
        if not terms:
            return []
        counts = [await self._documents(t) for t in terms]
        if not any(counts):
            return []
        found: dict[str, MemoryEntry] = {}

        def keep(entries: builtins.list[MemoryEntry]) -> None:
            for e in entries:
                if len(found) < limit:
                    found.setdefault(e.id, e)

        keep(await self._topics_starting(terms, flt, limit))
        if len(found) < limit and all(counts):
            keep(await self._match(all_of(terms), min(counts), flt, limit))
        if len(found) < limit and len(terms) > 1:
            # Any term: in a large store, a word in over a tenth of all entries says
            # little on its own, so it only counts here when every term is that common.
            common = max(_COMMON_FLOOR, await self._total() // 10)
            useful = [t for t, n in zip(terms, counts, strict=True) if 0 < n <= common]
            chosen = useful or [t for t, n in zip(terms, counts, strict=True) if n]
            estimate = sum(n for t, n in zip(terms, counts, strict=True) if t in chosen)
            keep(await self._match(any_of(chosen), estimate, flt, limit))
        return list(found.values())

    async def similar(
        self, text: str, flt: MemoryFilter, *, limit: int
    ) -> builtins.list[MemoryEntry]:
        bands = text_bands(text)
        clauses, params = _where(flt)
        sql = (
            f"SELECT {_COLUMNS} FROM (SELECT rid, count(*) AS shared FROM memory_bands"
            f" WHERE band IN ({', '.join('?' for _ in bands)}) GROUP BY rid) AS b"
            f" JOIN memory AS m ON m.rid = b.rid WHERE {_and(clauses)}"
            " ORDER BY b.shared DESC, m.sort_head, m.sort_num, m.id LIMIT ?"
        )
        return await self._select(sql, [*bands, *params, limit])

    async def _documents(self, term: str) -> int:
        """About how many entries hold a word starting with `term` (from the FTS5 vocabulary)."""
        row = await fetch_one(
            self._conn,
            "SELECT coalesce(sum(doc), 0) FROM memory_vocab WHERE term >= ? AND term < ?",
            [term, term + "\U0010ffff"],
        )
        return int(row[0])

    async def _total(self) -> int:
        row = await fetch_one(self._conn, "SELECT max(rid) FROM memory")
        return int(row[0] or 0)

    async def _match(
        self, expression: str, estimate: int, flt: MemoryFilter, limit: int
    ) -> builtins.list[MemoryEntry]:
        clauses, params = _where(flt)
        # memory_fts.rowid (not m.rid): FTS5 then streams its matches newest first.
        order = (
            f"{_RANK}, m.sort_head, m.sort_num, m.id"
            if estimate <= _RANKED
            else "memory_fts.rowid DESC"
        )
        sql = (
            f"SELECT {_COLUMNS} FROM memory_fts JOIN memory AS m ON m.rid = memory_fts.rowid"
            f" WHERE memory_fts MATCH ? AND {_and(clauses)} ORDER BY {order} LIMIT ?"
        )
        return await self._select(sql, [expression, *params, limit])

    async def _topics_starting(
        self, terms: Sequence[str], flt: MemoryFilter, limit: int
    ) -> builtins.list[MemoryEntry]:
        clauses, where = _where(flt)
        # [term, term + the last code point) holds every key starting so, in any script.
        ranges = " OR ".join("(m.topic >= ? AND m.topic < ?)" for _ in terms)
        params: list[Any] = []
        for t in terms:
            params += [t, t + "\U0010ffff"]
        params += where
        sql = (
            f"SELECT {_COLUMNS} FROM memory AS m INDEXED BY memory_by_topic"
            f" WHERE ({ranges}) AND {_and(clauses)} {_RECENT_ORDER} LIMIT ?"
        )
        return await self._select(sql, [*params, limit])

    # -- vectors of meaning -------------------------------------------------------------------

    async def set_vector(self, entry_id: str, model: str, vector: Sequence[float]) -> None:
        row = await fetch_one(self._conn, "SELECT rid FROM memory WHERE id = ?", [entry_id])
        if row is None:
            raise NotFoundError("memory", entry_id)
        rid = int(row[0])
        await self._conn.execute(
            "INSERT OR REPLACE INTO memory_vectors (rid, model, vector) VALUES (?, ?, ?)",
            [rid, model, pack(vector)],
        )
        await self._conn.execute("DELETE FROM memory_cells WHERE rid = ?", [rid])
        await self._conn.executemany(
            "INSERT OR IGNORE INTO memory_cells (cell, rid) VALUES (?, ?)",
            [(cell, rid) for cell in vector_cells(vector)],
        )

    async def vectors(self, entry_ids: Sequence[str], model: str) -> dict[str, Vector]:
        if not entry_ids:
            return {}
        rows = await fetch(
            self._conn,
            "SELECT m.id, v.vector FROM memory AS m JOIN memory_vectors AS v ON v.rid = m.rid"
            " WHERE m.id IN (SELECT value FROM json_each(?)) AND v.model = ?",
            [json.dumps(list(entry_ids)), model],
        )
        return {str(r[0]): unpack(r[1]) for r in rows}

    async def unembedded(self, model: str, *, limit: int) -> builtins.list[MemoryEntry]:
        sql = (
            f"SELECT {_COLUMNS} FROM memory AS m LEFT JOIN memory_vectors AS v"
            f" ON v.rid = m.rid AND v.model = ? WHERE v.rid IS NULL {_ID_ORDER} LIMIT ?"
        )
        return await self._select(sql, [model, limit])

    async def near(
        self,
        vector: Sequence[float],
        model: str,
        flt: MemoryFilter,
        *,
        limit: int,
        probes: int = PROBES,
    ) -> builtins.list[tuple[MemoryEntry, Vector]]:
        wanted = vector_cells(vector, probes)
        if not wanted:
            return []
        marks = ", ".join("?" for _ in wanted)
        held = await fetch(
            self._conn, f"SELECT cell, n FROM memory_cell_counts WHERE cell IN ({marks})", wanted
        )
        cells = useful_cells(wanted, {int(c): int(n) for c, n in held})
        clauses, params = _where(flt)
        marks = ", ".join("?" for _ in cells)
        # The best-sharing few hundred first, so only they are joined and filtered; if the
        # filter leaves too few of them, every entry sharing a cell is looked at.
        for cap in (max(_NEAR_CAP, 8 * limit), -1):
            sql = (
                f"SELECT {_COLUMNS}, v.vector FROM (SELECT rid, count(*) AS shared"
                f" FROM memory_cells WHERE cell IN ({marks}) GROUP BY rid"
                " ORDER BY shared DESC, rid LIMIT ?) AS c"
                " JOIN memory_vectors AS v ON v.rid = c.rid AND v.model = ?"
                f" JOIN memory AS m ON m.rid = c.rid WHERE {_and(clauses)}"
                " ORDER BY c.shared DESC, m.sort_head, m.sort_num, m.id LIMIT ?"
            )
            rows = await fetch(self._conn, sql, [*cells, cap, model, *params, limit])
            if len(rows) >= limit:
                break
        return [(MEMORY.codec.load(r[:-1]), unpack(r[-1])) for r in rows]
