"""Project memory on PostgreSQL: indexed filters, recency, and tsvector full-text search.

The repository writes, with each entry, the files and tasks its provenance
names (`memory_refs`), the MinHash bands of its text (`memory_bands`) and a
`search` tsvector of its words. The words are split, accent-folded and
lower-cased in Python (`orchestron.core.domain.recall.words`, as SQLite's
unicode61 tokenizer splits them) and handed over as a tsvector literal, so no
server text parser, locale or extension decides what a word is.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import asyncpg

from orchestron.core.domain.memory import MemoryEntry, MemoryKind, MemoryStatus, Provenance
from orchestron.core.domain.recall import text_bands, words
from orchestron.core.domain.vectors import (
    PROBES,
    Vector,
    pack,
    unpack,
    useful_cells,
    vector_cells,
)
from orchestron.core.errors import ConflictError, NotFoundError
from orchestron.core.ports import MemoryFilter
from orchestron.postgres._db import Db, affected, already_exists
from orchestron.postgres._rows import dump, id_key, id_parts, load

__all__ = ["PgMemory", "search_query", "search_vector"]

_FIELDS = (
    "id, id_head, id_num, kind, topic, text, created_at, updated_at, last_confirmed, "
    "rationale, provenance, status, supersedes, superseded_by, dispute, review_date, "
    "retired_reason, maybe_same, updated_by, version"
)
_COLUMNS = ", ".join(f"m.{c.strip()}" for c in _FIELDS.split(","))
_ID_ORDER = "ORDER BY m.id_head, m.id_num, m.id"
_RECENT_ORDER = "ORDER BY m.last_confirmed DESC, m.id_head DESC, m.id_num DESC, m.id DESC"
# ts_rank weights {D, C, B, A}: a word in the topic counts most, then the text, then the rationale.
_RANK = "ts_rank('{0.1, 0.33, 0.67, 1.0}', m.search, $1::tsquery)"
_MAX_LEXEME = 2046  # bytes; PostgreSQL refuses longer words in a tsvector
_MAX_POSITION = 16383
# Entries sharing cells with a vector that are joined and filtered before the limit is cut.
_NEAR_CAP = 200


def _quote(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _fits(word: str) -> bool:
    return 0 < len(word.encode()) <= _MAX_LEXEME


def search_vector(entry: MemoryEntry) -> str:
    """A tsvector literal of the entry's words: topic weight A, text B, rationale C."""
    parts: list[str] = []
    position = 0
    for weight, source in (("A", entry.topic), ("B", entry.text), ("C", entry.rationale)):
        for w in words(source):
            if not _fits(w):
                continue
            position = min(position + 1, _MAX_POSITION)
            parts.append(f"{_quote(w)}:{position}{weight}")
    return " ".join(parts)


def search_query(terms: Sequence[str], *, every: bool) -> str:
    """A tsquery literal: each term as a prefix, all of them (`&`) or any (`|`)."""
    return (" & " if every else " | ").join(f"{_quote(t)}:*" for t in terms)


def _ancestors(path: str) -> list[str]:
    """`src/db/x.py` -> [`src/db/x.py`, `src/db`, `src`]: itself and every folder above it."""
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts), 0, -1)]


class _Where:
    """WHERE clauses with $n placeholders numbered after `first` fixed arguments."""

    def __init__(self, flt: MemoryFilter, args: Sequence[Any] = ()) -> None:
        self.clauses: list[str] = []
        self.args: list[Any] = list(args)
        if flt.statuses:
            self.add("m.status = ANY({}::text[])", [s.value for s in flt.statuses])
        if flt.kinds:
            self.add("m.kind = ANY({}::text[])", [k.value for k in flt.kinds])
        if flt.topic is not None:
            self.add("m.topic = {}", flt.topic)
        if flt.dispute is not None:
            self.add("m.dispute = {}", flt.dispute)
        if flt.task is not None:
            self.add(
                "m.id IN (SELECT id FROM memory_refs WHERE kind = 'task' AND value = {})",
                flt.task,
            )
        if flt.files:
            # The same path, a folder holding it, or a path inside it ('/' + 1 is '0').
            same = sorted({a for f in flt.files for a in _ancestors(f)})
            ranges = []
            for f in flt.files:
                low, high = self.arg(f + "/"), self.arg(f + "0")
                ranges.append(f"(value >= {low} AND value < {high})")
            same_at = self.arg(same)
            self.clauses.append(
                "m.id IN (SELECT id FROM memory_refs WHERE kind = 'file' AND "
                f"(value = ANY({same_at}::text[]) OR {' OR '.join(ranges)}))"
            )
        if flt.maybe_same:
            self.clauses.append("m.maybe_same IS NOT NULL")
        if flt.review_due is not None:
            self.add("m.review_date IS NOT NULL AND m.review_date <= {}", flt.review_due)

    def arg(self, value: Any) -> str:
        self.args.append(value)
        return f"${len(self.args)}"

    def add(self, clause: str, value: Any) -> None:
        self.clauses.append(clause.format(self.arg(value)))

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "TRUE"


def _entry_args(entry: MemoryEntry) -> tuple[Any, ...]:
    """Values for _FIELDS, in order."""
    head, num = id_parts(entry.id)
    return (
        entry.id,
        head,
        num,
        entry.kind.value,
        entry.topic,
        entry.text,
        entry.created_at,
        entry.updated_at,
        entry.last_confirmed,
        entry.rationale,
        dump(entry.provenance),
        entry.status.value,
        entry.supersedes,
        entry.superseded_by,
        entry.dispute,
        entry.review_date,
        entry.retired_reason,
        entry.maybe_same,
        entry.updated_by,
        entry.version,
    )


def _from_row(row: asyncpg.Record) -> MemoryEntry:
    return MemoryEntry(
        id=row["id"],
        kind=MemoryKind(row["kind"]),
        topic=row["topic"],
        text=row["text"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        last_confirmed=row["last_confirmed"],
        rationale=row["rationale"],
        provenance=load(row["provenance"], tuple[Provenance, ...]),
        status=MemoryStatus(row["status"]),
        supersedes=row["supersedes"],
        superseded_by=row["superseded_by"],
        dispute=row["dispute"],
        review_date=row["review_date"],
        retired_reason=row["retired_reason"],
        maybe_same=row["maybe_same"],
        updated_by=row["updated_by"],
        version=row["version"],
    )


_N = len(_FIELDS.split(","))
_PLACEHOLDERS = ", ".join(f"${i}" for i in range(1, _N + 1))
_INSERT = (
    f"INSERT INTO memory ({_FIELDS}, search) VALUES ({_PLACEHOLDERS}, ${_N + 1}::tsvector) "
    "ON CONFLICT (id) DO NOTHING"
)
_SETS = ", ".join(f"{c.strip()} = ${i}" for i, c in enumerate(_FIELDS.split(","), 1) if i > 1)
_UPDATE = (
    f"UPDATE memory SET {_SETS}, search = ${_N + 1}::tsvector WHERE id = $1 AND version = ${_N} - 1"
)


class PgMemory:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def _select(self, sql: str, *args: Any) -> builtins.list[MemoryEntry]:
        return [_from_row(r) for r in await self._db.fetch(sql, *args)]

    async def get(self, entry_id: str) -> MemoryEntry | None:
        row = await self._db.fetchrow(
            f"SELECT {_COLUMNS} FROM memory AS m WHERE m.id = $1", entry_id
        )
        return _from_row(row) if row is not None else None

    async def get_many(self, entry_ids: Sequence[str]) -> builtins.list[MemoryEntry]:
        if not entry_ids:
            return []
        found = {
            e.id: e
            for e in await self._select(
                f"SELECT {_COLUMNS} FROM memory AS m WHERE m.id = ANY($1::text[])",
                list(entry_ids),
            )
        }
        return [found[i] for i in entry_ids if i in found]

    async def add(self, entry: MemoryEntry) -> None:
        status = await self._db.execute(_INSERT, *_entry_args(entry), search_vector(entry))
        if not affected(status):
            raise already_exists("memory", entry.id)
        await self._write_links(entry, fresh=True)

    async def update(self, entry: MemoryEntry) -> None:
        status = await self._db.execute(_UPDATE, *_entry_args(entry), search_vector(entry))
        if not affected(status):
            row = await self._db.fetchrow(
                "SELECT version, updated_by FROM memory WHERE id = $1", entry.id
            )
            if row is None:
                raise NotFoundError("memory", entry.id)
            raise ConflictError.stale(
                "memory", entry.id, entry.version - 1, row["version"], row["updated_by"] or None
            )
        await self._write_links(entry, fresh=False)

    async def _write_links(self, entry: MemoryEntry, *, fresh: bool) -> None:
        """The entry's files, tasks and text bands, in the tables that index them."""
        if not fresh:
            await self._db.execute("DELETE FROM memory_refs WHERE id = $1", entry.id)
            await self._db.execute("DELETE FROM memory_bands WHERE id = $1", entry.id)
        refs = [("file", f) for f in entry.files] + [("task", t) for t in entry.tasks]
        await self._db.execute(
            "INSERT INTO memory_refs (kind, value, id) "
            "SELECT r.kind, r.value, $3 FROM unnest($1::text[], $2::text[]) AS r(kind, value) "
            "ON CONFLICT DO NOTHING",
            [k for k, _ in refs],
            [v for _, v in refs],
            entry.id,
        )
        await self._db.execute(
            "INSERT INTO memory_bands (band, id) SELECT DISTINCT b, $2 FROM unnest($1::bigint[]) "
            "AS b ON CONFLICT DO NOTHING",
            list(text_bands(entry.text)),
            entry.id,
        )

    async def list(
        self, flt: MemoryFilter, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[MemoryEntry]:
        where = _Where(flt)
        if after is not None:
            head, num, ident = id_key(after)
            where.clauses.append(
                f"(m.id_head, m.id_num, m.id) > ({where.arg(head)}, {where.arg(num)}, "
                f"{where.arg(ident)})"
            )
        sql = f"SELECT {_COLUMNS} FROM memory AS m WHERE {where.sql} {_ID_ORDER}"
        if limit is not None:
            sql += f" LIMIT {where.arg(limit)}"
        return await self._select(sql, *where.args)

    async def count(self, flt: MemoryFilter) -> int:
        where = _Where(flt)
        value = await self._db.fetchval(
            f"SELECT count(*) FROM memory AS m WHERE {where.sql}", *where.args
        )
        return int(value)

    async def recent(self, flt: MemoryFilter, *, limit: int) -> builtins.list[MemoryEntry]:
        where = _Where(flt)
        sql = (
            f"SELECT {_COLUMNS} FROM memory AS m WHERE {where.sql} {_RECENT_ORDER} "
            f"LIMIT {where.arg(limit)}"
        )
        return await self._select(sql, *where.args)

    async def search(
        self, terms: Sequence[str], flt: MemoryFilter, *, limit: int
    ) -> builtins.list[MemoryEntry]:
        """Entries with a word starting with one of `terms`, in three steps.

        Topics starting with a term (an index range, newest first); then entries
        with every term; then entries with any; each ranked by ts_rank (topic
        words weigh most), ties in id order. The core ranks whatever comes back.
        """
        usable = [t for t in dict.fromkeys(terms) if _fits(t)]
        if not usable or limit <= 0:
            return []
        found: dict[str, MemoryEntry] = {}

        def keep(entries: builtins.list[MemoryEntry]) -> None:
            for e in entries:
                if len(found) < limit:
                    found.setdefault(e.id, e)

        keep(await self._topics_starting(usable, flt, limit))
        if len(found) < limit:
            keep(await self._match(search_query(usable, every=True), flt, limit))
        if len(found) < limit and len(usable) > 1:
            keep(await self._match(search_query(usable, every=False), flt, limit))
        return builtins.list(found.values())

    async def _match(self, query: str, flt: MemoryFilter, limit: int) -> builtins.list[MemoryEntry]:
        where = _Where(flt, [query])
        sql = (
            f"SELECT {_COLUMNS} FROM memory AS m WHERE m.search @@ $1::tsquery AND {where.sql}"
            f" ORDER BY {_RANK} DESC, m.id_head, m.id_num, m.id LIMIT {where.arg(limit)}"
        )
        return await self._select(sql, *where.args)

    async def _topics_starting(
        self, terms: Sequence[str], flt: MemoryFilter, limit: int
    ) -> builtins.list[MemoryEntry]:
        where = _Where(flt)
        # [term, term + the last code point) holds every key starting so, in any script.
        ranges = " OR ".join(
            f"(m.topic >= {where.arg(t)} AND m.topic < {where.arg(t + chr(0x10FFFF))})"
            for t in terms
        )
        sql = (
            f"SELECT {_COLUMNS} FROM memory AS m WHERE ({ranges}) AND {where.sql}"
            f" {_RECENT_ORDER} LIMIT {where.arg(limit)}"
        )
        return await self._select(sql, *where.args)

    async def similar(
        self, text: str, flt: MemoryFilter, *, limit: int
    ) -> builtins.list[MemoryEntry]:
        where = _Where(flt, [list(text_bands(text))])
        sql = (
            f"SELECT {_COLUMNS} FROM (SELECT id, count(*) AS shared FROM memory_bands"
            " WHERE band = ANY($1::bigint[]) GROUP BY id) AS b"
            f" JOIN memory AS m ON m.id = b.id WHERE {where.sql}"
            f" ORDER BY b.shared DESC, m.id_head, m.id_num, m.id LIMIT {where.arg(limit)}"
        )
        return await self._select(sql, *where.args)

    # -- vectors of meaning -------------------------------------------------------------------

    async def set_vector(self, entry_id: str, model: str, vector: Sequence[float]) -> None:
        status = await self._db.execute(
            "INSERT INTO memory_vectors (id, model, vector) SELECT id, $2, $3 FROM memory"
            " WHERE id = $1 ON CONFLICT (id) DO UPDATE SET model = $2, vector = $3",
            entry_id,
            model,
            pack(vector),
        )
        if not affected(status):
            raise NotFoundError("memory", entry_id)
        await self._db.execute("DELETE FROM memory_cells WHERE id = $1", entry_id)
        await self._db.execute(
            "INSERT INTO memory_cells (cell, id) SELECT DISTINCT c, $2 FROM unnest($1::int[])"
            " AS c ON CONFLICT DO NOTHING",
            list(vector_cells(vector)),
            entry_id,
        )

    async def vectors(self, entry_ids: Sequence[str], model: str) -> dict[str, Vector]:
        if not entry_ids:
            return {}
        rows = await self._db.fetch(
            "SELECT id, vector FROM memory_vectors WHERE id = ANY($1::text[]) AND model = $2",
            list(entry_ids),
            model,
        )
        return {r["id"]: unpack(r["vector"]) for r in rows}

    async def unembedded(self, model: str, *, limit: int) -> builtins.list[MemoryEntry]:
        return await self._select(
            f"SELECT {_COLUMNS} FROM memory AS m WHERE NOT EXISTS (SELECT 1 FROM memory_vectors"
            f" AS v WHERE v.id = m.id AND v.model = $1) {_ID_ORDER} LIMIT $2",
            model,
            limit,
        )

    async def near(
        self,
        vector: Sequence[float],
        model: str,
        flt: MemoryFilter,
        *,
        limit: int,
        probes: int = PROBES,
    ) -> builtins.list[tuple[MemoryEntry, Vector]]:
        wanted = list(vector_cells(vector, probes))
        if not wanted:
            return []
        held = await self._db.fetch(
            "SELECT cell, n FROM memory_cell_counts WHERE cell = ANY($1::int[])", wanted
        )
        cells = list(useful_cells(wanted, {r["cell"]: r["n"] for r in held}))
        # The best-sharing few hundred first, so only they are joined and filtered; if the
        # filter leaves too few of them, every entry sharing a cell is looked at.
        for cap in (max(_NEAR_CAP, 8 * limit), None):
            where = _Where(flt, [cells, model, cap])
            sql = (
                f"SELECT {_COLUMNS}, v.vector FROM (SELECT id, count(*) AS shared"
                " FROM memory_cells WHERE cell = ANY($1::int[]) GROUP BY id"
                " ORDER BY shared DESC, id LIMIT $3) AS c"
                " JOIN memory_vectors AS v ON v.id = c.id AND v.model = $2"
                f" JOIN memory AS m ON m.id = c.id WHERE {where.sql}"
                f" ORDER BY c.shared DESC, m.id_head, m.id_num, m.id LIMIT {where.arg(limit)}"
            )
            rows = await self._db.fetch(sql, *where.args)
            if len(rows) >= limit:
                break
        return [(_from_row(r), unpack(r["vector"])) for r in rows]
