"""Dependency edges (task depends on prerequisite), stored by task row id."""

from __future__ import annotations

import builtins

import aiosqlite

from orchestron.core.errors import NotFoundError
from orchestron.core.graph import find_path
from orchestron.sqlite._table import fetch, fetch_one

__all__ = ["SqliteDeps"]

_RID = "(SELECT rid FROM tasks WHERE id = ?)"

# Everything `start` reaches along depends-on edges. UNION keeps each node
# once, so the walk costs at most the edges it can reach; SQLite produces
# rows lazily, so a LIMIT on the outer query stops the walk early.
_WALK = """WITH RECURSIVE walk(rid) AS (
    SELECT rid FROM tasks WHERE id = :start
    UNION
    SELECT d.dep_rid FROM walk JOIN deps d ON d.task_rid = walk.rid
)"""
_REACHES = f"""{_WALK}
    SELECT 1 FROM walk WHERE rid = (SELECT rid FROM tasks WHERE id = :goal) LIMIT 1"""
_REACHED_EDGES = f"""{_WALK}
    SELECT a.id, b.id FROM walk
      JOIN deps d ON d.task_rid = walk.rid
      JOIN tasks a ON a.rid = d.task_rid
      JOIN tasks b ON b.rid = d.dep_rid"""


class SqliteDeps:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(self, task_id: str, depends_on: str) -> None:
        cursor = await self._conn.execute(
            "INSERT OR IGNORE INTO deps (task_rid, dep_rid)"
            " SELECT a.rid, b.rid FROM tasks a, tasks b WHERE a.id = ? AND b.id = ?",
            [task_id, depends_on],
        )
        if cursor.rowcount:
            return
        found = {
            row[0]
            for row in await fetch(
                self._conn, "SELECT id FROM tasks WHERE id IN (?, ?)", [task_id, depends_on]
            )
        }
        for ident in (task_id, depends_on):
            if ident not in found:
                raise NotFoundError("task", ident)

    async def remove(self, task_id: str, depends_on: str) -> bool:
        cursor = await self._conn.execute(
            f"DELETE FROM deps WHERE task_rid = {_RID} AND dep_rid = {_RID}",
            [task_id, depends_on],
        )
        return bool(cursor.rowcount)

    async def prerequisites(self, task_id: str) -> builtins.list[str]:
        return await self._ids(
            f"SELECT t.id FROM deps d JOIN tasks t ON t.rid = d.dep_rid WHERE d.task_rid = {_RID}",
            task_id,
        )

    async def dependents(self, task_id: str) -> builtins.list[str]:
        return await self._ids(
            f"SELECT t.id FROM deps d JOIN tasks t ON t.rid = d.task_rid WHERE d.dep_rid = {_RID}",
            task_id,
        )

    async def _ids(self, sql: str, task_id: str) -> builtins.list[str]:
        rows = await fetch(self._conn, f"{sql} ORDER BY t.sort_head, t.sort_num, t.id", [task_id])
        return [r[0] for r in rows]

    async def find_path(self, start: str, goal: str) -> builtins.list[str] | None:
        """The shortest chain, as the reference BFS picks it.

        Answering "no path" (the usual case of a cycle check) is one walk; only
        when a path exists are the reached edges loaded to pick the path in Python.
        """
        if start == goal:
            return [start]
        params = {"start": start, "goal": goal}
        if await fetch_one(self._conn, _REACHES, params) is None:
            return None
        edges = [(a, b) for a, b in await fetch(self._conn, _REACHED_EDGES, params)]
        return find_path(edges, start, goal)

    async def all(self) -> builtins.list[tuple[str, str]]:
        rows = await fetch(
            self._conn,
            "SELECT a.id, b.id FROM deps d"
            " JOIN tasks a ON a.rid = d.task_rid JOIN tasks b ON b.rid = d.dep_rid"
            " ORDER BY a.sort_head, a.sort_num, a.id, b.sort_head, b.sort_num, b.id",
        )
        return [(a, b) for a, b in rows]
