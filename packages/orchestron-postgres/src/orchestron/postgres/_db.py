"""One connection inside one unit of work, with driver errors translated."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

import asyncpg

from orchestron.core.errors import ConflictError
from orchestron.postgres._errors import DRIVER_ERRORS, translate

__all__ = ["Db", "affected", "raise_stale"]


class _Versioned(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> int: ...


class Db:
    """The repositories' only way to the server: every failure leaves as an OrchestronError."""

    def __init__(self, conn: asyncpg.pool.PoolConnectionProxy[asyncpg.Record], where: str) -> None:
        self.conn = conn
        self.where = where
        self.broken = False

    def _fail(self, exc: BaseException) -> BaseException:
        self.broken = True
        return translate(exc, self.where)

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        try:
            return await self.conn.fetch(sql, *args)
        except DRIVER_ERRORS as exc:
            raise self._fail(exc) from exc

    async def fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        try:
            return await self.conn.fetchrow(sql, *args)
        except DRIVER_ERRORS as exc:
            raise self._fail(exc) from exc

    async def fetchval(self, sql: str, *args: Any) -> Any:
        try:
            return await self.conn.fetchval(sql, *args)
        except DRIVER_ERRORS as exc:
            raise self._fail(exc) from exc

    async def execute(self, sql: str, *args: Any) -> str:
        try:
            return await self.conn.execute(sql, *args)
        except DRIVER_ERRORS as exc:
            raise self._fail(exc) from exc

    async def executemany(self, sql: str, args: Sequence[Sequence[Any]]) -> None:
        try:
            await self.conn.executemany(sql, args)
        except DRIVER_ERRORS as exc:
            raise self._fail(exc) from exc


def affected(status: str) -> int:
    """Rows touched, from a command tag such as 'UPDATE 1' or 'INSERT 0 1'."""
    return int(status.rsplit(" ", 1)[-1])


async def raise_stale(
    db: Db, table: str, entity: str, obj: _Versioned, *, with_author: bool = False
) -> None:
    """Raise the reference's ConflictError for a write whose version did not follow on.

    `with_author` reads `updated_by` from the stored JSON (sprints carry one).
    """
    columns = "version, data" if with_author else "version"
    row = await db.fetchrow(f"SELECT {columns} FROM {table} WHERE id = $1", obj.id)
    if row is None:
        by = getattr(obj, "updated_by", None)
        raise ConflictError.stale(entity, obj.id, obj.version - 1, obj.version, by)
    stored_by = json.loads(row["data"]).get("updated_by") if with_author else None
    raise ConflictError.stale(entity, obj.id, obj.version - 1, row["version"], stored_by)
