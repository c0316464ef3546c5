"""Dependency edges (task depends on prerequisite), stored by task row id.

Every task has a `topo` number, and every task's topo is above those of its
prerequisites. Following depends-on edges therefore always steps down in
topo, which makes cycle checks cheap: a prerequisite whose topo is below the
task's cannot depend on it (the usual case, answered without a walk), and
any other walk may skip tasks whose topo is below its goal. An edge against
the order moves the few tasks between the two ends (Pearce and Kelly, "A
dynamic topological sort algorithm for directed acyclic graphs", 2006). The
walks that find those tasks are SQL here; the reordering, the orders and the
path search are the core's (orchestron.core.graph), shared with PostgreSQL.
"""

from __future__ import annotations

import builtins

from orchestron.core.errors import CycleError, NotFoundError
from orchestron.core.graph import find_path, reorder, topological_order, unplaced_cycle
from orchestron.sqlite._db import Database
from orchestron.sqlite._table import fetch, fetch_one

__all__ = ["SqliteDeps", "restore_order"]

_RID = "(SELECT rid FROM tasks WHERE id = ?)"
_TOPO = "(SELECT topo FROM tasks WHERE rid = {})"

# Walks produce rows lazily, so a LIMIT on the outer query stops them early;
# UNION keeps each row once, so a walk costs at most the edges it reaches.
_DOWN = f"""WITH RECURSIVE walk(rid) AS (
    SELECT :start
    UNION
    SELECT d.dep_rid FROM walk JOIN deps d ON d.task_rid = walk.rid
     WHERE {_TOPO.format("d.dep_rid")} >= :floor
)"""
_REACHES = f"{_DOWN} SELECT 1 FROM walk WHERE rid = :goal LIMIT 1"
# Breadth first (SQLite's queue is FIFO), so the first row at the goal has its distance.
_DISTANCE = f"""WITH RECURSIVE walk(rid, depth) AS (
    SELECT :start, 0
    UNION
    SELECT d.dep_rid, walk.depth + 1 FROM walk JOIN deps d ON d.task_rid = walk.rid
     WHERE {_TOPO.format("d.dep_rid")} >= :floor
)
SELECT depth FROM walk WHERE rid = :goal LIMIT 1"""
# Every edge out of a task closer than the goal: all a breadth-first search
# from start looks at before it reaches the goal.
_NEAR_EDGES = f"""WITH RECURSIVE walk(rid, depth) AS (
    SELECT :start, 0
    UNION
    SELECT d.dep_rid, walk.depth + 1 FROM walk JOIN deps d ON d.task_rid = walk.rid
     WHERE walk.depth + 1 < :depth AND {_TOPO.format("d.dep_rid")} >= :floor
)
SELECT DISTINCT a.id, b.id FROM walk
  JOIN deps d ON d.task_rid = walk.rid
  JOIN tasks a ON a.rid = d.task_rid
  JOIN tasks b ON b.rid = d.dep_rid
 WHERE b.topo >= :floor"""
# The task and its dependents, up to topo :ceiling.
_AFFECTED_UP = f"""WITH RECURSIVE walk(rid) AS (
    SELECT :start
    UNION
    SELECT d.task_rid FROM walk JOIN deps d ON d.dep_rid = walk.rid
     WHERE {_TOPO.format("d.task_rid")} <= :ceiling
)
SELECT walk.rid, t.topo FROM walk JOIN tasks t ON t.rid = walk.rid"""
# The prerequisite and its own prerequisites, down to topo :floor.
_AFFECTED_DOWN = f"""{_DOWN}
SELECT walk.rid, t.topo FROM walk JOIN tasks t ON t.rid = walk.rid"""


class SqliteDeps:
    def __init__(self, conn: Database) -> None:
        self._conn = conn

    async def _ends(self, a: str, b: str) -> dict[str, tuple[int, int]]:
        rows = await fetch(self._conn, "SELECT id, rid, topo FROM tasks WHERE id IN (?, ?)", [a, b])
        return {ident: (rid, topo) for ident, rid, topo in rows}

    async def add(self, task_id: str, depends_on: str) -> None:
        ends = await self._ends(task_id, depends_on)
        for ident in (task_id, depends_on):
            if ident not in ends:
                raise NotFoundError("task", ident)
        (task, task_topo), (prereq, prereq_topo) = ends[task_id], ends[depends_on]
        insert = "INSERT OR IGNORE INTO deps (task_rid, dep_rid) VALUES (?, ?)"
        if task_topo > prereq_topo:
            await self._conn.execute(insert, [task, prereq])
            return
        # Against the order: the tasks that must move are the task and its
        # dependents up to the prerequisite's place, and the prerequisite and
        # its prerequisites down to the task's place.
        up = await fetch(self._conn, _AFFECTED_UP, {"start": task, "ceiling": prereq_topo})
        if any(rid == prereq for rid, _ in up):
            path = await self.find_path(depends_on, task_id)
            raise CycleError([task_id, *(path or [depends_on])])
        await self._conn.execute(insert, [task, prereq])
        down = await fetch(self._conn, _AFFECTED_DOWN, {"start": prereq, "floor": task_topo})
        topo = dict(down + up)
        moved = reorder([rid for rid, _ in down], [rid for rid, _ in up], topo)
        await self._conn.executemany(
            "UPDATE tasks SET topo = ? WHERE rid = ?", [(slot, rid) for rid, slot in moved]
        )

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
        """The shortest chain, the one the reference breadth-first search picks."""
        if start == goal:
            return [start]
        ends = await self._ends(start, goal)
        if start not in ends or goal not in ends:
            return None
        (start_rid, start_topo), (goal_rid, goal_topo) = ends[start], ends[goal]
        if start_topo <= goal_topo:
            return None
        params = {"start": start_rid, "goal": goal_rid, "floor": goal_topo}
        if await fetch_one(self._conn, _REACHES, params) is None:
            return None
        depth = (await fetch_one(self._conn, _DISTANCE, params))[0]
        edges = await fetch(self._conn, _NEAR_EDGES, {**params, "depth": depth})
        return find_path([(a, b) for a, b in edges], start, goal)

    async def all(self) -> builtins.list[tuple[str, str]]:
        rows = await fetch(
            self._conn,
            "SELECT a.id, b.id FROM deps d"
            " JOIN tasks a ON a.rid = d.task_rid JOIN tasks b ON b.rid = d.dep_rid"
            " ORDER BY a.sort_head, a.sort_num, a.id, b.sort_head, b.sort_num, b.id",
        )
        return [(a, b) for a, b in rows]


async def restore_order(conn: Database) -> None:
    """Renumber topo from scratch if any edge runs against it (after a bulk load)."""
    against = await fetch_one(
        conn,
        "SELECT 1 FROM deps d JOIN tasks a ON a.rid = d.task_rid JOIN tasks b ON b.rid = d.dep_rid"
        " WHERE a.topo <= b.topo LIMIT 1",
    )
    if against is None:
        return
    nodes = await fetch(conn, "SELECT rid, topo FROM tasks")
    edges = await fetch(conn, "SELECT task_rid, dep_rid FROM deps")
    topo = dict(nodes)
    dependents: dict[int, list[int]] = {}
    for task, prereq in edges:
        dependents.setdefault(prereq, []).append(task)
    # Among the tasks free to go next, the lowest present topo first, so tasks
    # the load left in order keep their places relative to each other.
    order = topological_order(topo, dependents, rank=topo.__getitem__)
    if len(order) < len(nodes):
        cycle = unplaced_cycle(edges, set(order))
        ids = dict(await fetch(conn, "SELECT rid, id FROM tasks"))
        raise CycleError([ids[rid] for rid in cycle])
    slots = sorted(topo.values())
    await conn.executemany(
        "UPDATE tasks SET topo = ? WHERE rid = ?", list(zip(slots, order, strict=True))
    )
