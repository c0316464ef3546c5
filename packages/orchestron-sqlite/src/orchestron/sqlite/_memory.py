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

import aiosqlite

from orchestron.core.domain.memory import MemoryEntry
from orchestron.core.ports import MemoryFilter
from orchestron.sqlite._codec import RowCodec, id_key
from orchestron.sqlite._table import Table, fetch, fetch_one

__all__ = ["SqliteMemory"]

MEMORY: Table[MemoryEntry] = Table("memory", "memory", RowCodec(MemoryEntry), sortable=True)
_COLUMNS = MEMORY.codec.prefixed("m")
_ID_ORDER = "ORDER BY m.sort_head, m.sort_num, m.id"
_RECENT_ORDER = "ORDER BY m.last_confirmed DESC, m.sort_head DESC, m.sort_num DESC, m.id DESC"
# bm25 weights per column: a word in the topic counts most, then the text, then the rationale.
_RANK = "bm25(memory_fts, 3.0, 2.0, 1.0)"


def _ancestors(path: str) -> list[str]:
    """`src/db/x.py` -> [`src/db/x.py`, `src/db`, `src`]: itself and every folder above it."""
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts), 0, -1)]


def _where(flt: MemoryFilter) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if flt.statuses:
        clauses.append(f"m.status IN ({', '.join('?' for _ in flt.statuses)})")
        params += [s.value for s in flt.statuses]
    if flt.kinds:
        clauses.append(f"m.kind IN ({', '.join('?' for _ in flt.kinds)})")
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
    if flt.review_due is not None:
        clauses.append("m.review_date IS NOT NULL AND m.review_date <= ?")
        params.append(flt.review_due.isoformat())
    return clauses, params


def _and(clauses: Sequence[str]) -> str:
    return " AND ".join(clauses) if clauses else "1"


def match_expression(terms: Sequence[str]) -> str:
    """FTS5 query: any of the terms, each as a prefix (`"migrat"*`)."""
    return " OR ".join('"' + t.replace('"', '""') + '"*' for t in terms)


class SqliteMemory:
    def __init__(self, conn: aiosqlite.Connection) -> None:
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

    async def update(self, entry: MemoryEntry) -> None:
        await MEMORY.update(self._conn, entry)

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
        sql = f"SELECT {_COLUMNS} FROM memory AS m WHERE {_and(clauses)} {_RECENT_ORDER} LIMIT ?"
        return await self._select(sql, [*params, limit])

    async def search(
        self, terms: Sequence[str], flt: MemoryFilter, *, limit: int
    ) -> builtins.list[MemoryEntry]:
        if not terms:
            return []
        clauses, params = _where(flt)
        sql = (
            f"SELECT {_COLUMNS} FROM memory_fts JOIN memory AS m ON m.rid = memory_fts.rowid"
            f" WHERE memory_fts MATCH ? AND {_and(clauses)}"
            f" ORDER BY {_RANK}, m.sort_head, m.sort_num, m.id LIMIT ?"
        )
        return await self._select(sql, [match_expression(terms), *params, limit])
