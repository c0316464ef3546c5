"""A table of versioned domain objects: insert, optimistic update, select."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeAlias, TypeVar

from orchestron.core.errors import ConflictError, NotFoundError
from orchestron.sqlite._codec import RowCodec, id_key
from orchestron.sqlite._db import Database

__all__ = ["Table", "fetch", "fetch_one"]

T = TypeVar("T")
Params: TypeAlias = Sequence[Any] | Mapping[str, Any]


async def fetch(conn: Database, sql: str, params: Params = ()) -> list[Any]:
    return list(await conn.execute_fetchall(sql, params))


async def fetch_one(conn: Database, sql: str, params: Params = ()) -> Any:
    rows = await fetch(conn, sql, params)
    return rows[0] if rows else None


class Table(Generic[T]):
    """One entity's table; `derive` fills columns kept only for queries (ranks and such)."""

    def __init__(
        self,
        name: str,
        entity: str,
        codec: RowCodec[T],
        *,
        sortable: bool = False,
        derived: Sequence[str] = (),
        derive: Callable[[T], Sequence[Any]] | None = None,
        computed: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.entity = entity
        self.codec = codec
        self._sortable = sortable
        self._derived = tuple(derived)
        self._derive = derive
        names = list(codec.names)
        if sortable:
            names += ["sort_head", "sort_num"]
        names += self._derived
        self._names = names
        # `computed` columns are SQL expressions evaluated at insert time.
        extra = dict(computed or {})
        columns = ", ".join([*names, *extra])
        values = ", ".join(["?" for _ in names] + list(extra.values()))
        self._insert = f"INSERT INTO {name} ({columns}) VALUES ({values})"
        settable = [n for n in names if n not in ("id", "sort_head", "sort_num")]
        self._update = (
            f"UPDATE {name} SET {', '.join(f'{n} = ?' for n in settable)} "
            "WHERE id = ? AND version = ?"
        )
        self._settable = settable
        self.select = f"SELECT {codec.columns} FROM {name}"
        self.order = "sort_head, sort_num, id" if sortable else "id"

    def _row(self, obj: T) -> dict[str, Any]:
        row = dict(zip(self.codec.names, self.codec.values(obj), strict=True))
        if self._sortable:
            row["sort_head"], row["sort_num"] = id_key(row["id"])
        if self._derive is not None:
            row.update(zip(self._derived, self._derive(obj), strict=True))
        return row

    async def insert(self, conn: Database, obj: T) -> None:
        row = self._row(obj)
        try:
            await conn.execute(self._insert, [row[n] for n in self._names])
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" not in str(exc):
                raise
            ident = row["id"]
            raise ConflictError(
                f"{self.entity} {ident} already exists", entity=self.entity, ident=ident
            ) from exc

    async def insert_many(self, conn: Database, objs: Sequence[T]) -> None:
        """One round trip for many rows; a clash is found first, so it is named."""
        rows = [self._row(obj) for obj in objs]
        wanted = [row["id"] for row in rows]
        seen = {
            r[0]
            for r in await fetch(
                conn,
                f"SELECT id FROM {self.name} WHERE id IN (SELECT value FROM json_each(?))",
                [json.dumps(wanted)],
            )
        }
        for ident in wanted:
            if ident in seen:
                raise ConflictError(
                    f"{self.entity} {ident} already exists", entity=self.entity, ident=ident
                )
            seen.add(ident)
        await conn.executemany(self._insert, [[row[n] for n in self._names] for row in rows])

    async def update(self, conn: Database, obj: T) -> None:
        """Store `obj` if the stored version is one behind it; else say who moved it."""
        row = self._row(obj)
        params = [row[n] for n in self._settable] + [row["id"], row["version"] - 1]
        cursor = await conn.execute(self._update, params)
        if cursor.rowcount:
            return
        who = ", updated_by" if "updated_by" in self.codec.names else ""
        current = await fetch_one(
            conn, f"SELECT version{who} FROM {self.name} WHERE id = ?", [row["id"]]
        )
        if current is None:
            raise NotFoundError(self.entity, row["id"])
        raise ConflictError.stale(
            self.entity, row["id"], row["version"] - 1, current[0], current[1] if who else None
        )

    async def get(self, conn: Database, ident: str) -> T | None:
        row = await fetch_one(conn, f"{self.select} WHERE id = ?", [ident])
        return None if row is None else self.codec.load(row)

    async def many(self, conn: Database, where: str = "", params: Sequence[Any] = ()) -> list[T]:
        rows = await fetch(conn, f"{self.select} {where}", params)
        return self.load_all(rows)

    def load_all(self, rows: Iterable[Sequence[Any]]) -> list[T]:
        return [self.codec.load(r) for r in rows]
