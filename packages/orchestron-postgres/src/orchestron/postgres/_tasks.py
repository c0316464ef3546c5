"""Tasks and dependencies on PostgreSQL, with the reference's ordering rules."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from orchestron.core.domain.enums import TaskStatus
from orchestron.core.domain.task import Task
from orchestron.core.errors import ConflictError, CycleError, NotFoundError, StorageError
from orchestron.core.graph import find_path
from orchestron.core.ports import ReadyTask, TaskFilter
from orchestron.postgres._db import Db, affected, already_exists
from orchestron.postgres._graph import Graph, GraphCache
from orchestron.postgres._rows import TASK_COLUMNS, id_key, id_parts, task_args, task_from_row

__all__ = ["PgDeps", "PgTasks", "load_graph"]

_PLACEHOLDERS = ", ".join(f"${i}" for i in range(1, 25))
_ASSIGN = ", ".join(
    f"{col.strip()} = ${i}" for i, col in enumerate(TASK_COLUMNS.split(","), start=1)
)
# Free: no live claim, and no container (an EPIC, or a task with an open child:
# core.ports.is_container).
_FREE = """
    (t.claimed_by IS NULL OR NOT EXISTS (
        SELECT 1 FROM sessions s
         WHERE s.id = t.claimed_by AND s.status = 'ACTIVE' AND s.lease_expires > $1))
    AND t.type <> 'EPIC' AND NOT EXISTS (
        SELECT 1 FROM tasks c WHERE c.parent = t.id AND c.status NOT IN ('DONE', 'CANCELLED'))
"""
# Ready: TODO, no unfinished prerequisite (open_prereqs, kept by triggers), free.
_READY_WHERE = f"t.status = 'TODO' AND t.open_prereqs = 0 AND {_FREE}"
_UNFINISHED = f"""
SELECT {TASK_COLUMNS} FROM tasks t WHERE t.status = 'IN_PROGRESS' AND {_FREE}
ORDER BY t.priority_rank, t.updated_at, t.id_head, t.id_num, t.id
LIMIT $2
"""
_IN_SPRINT = """coalesce(t.sprint = (
    SELECT id FROM sprints WHERE status = 'ACTIVE' ORDER BY id LIMIT 1), false)"""
# The whole ranking in SQL, from the stored downstream counts; the graph and ranks
# versions ride along (computed once) to tell whether those counts are current.
_RANKED = f"""
SELECT {TASK_COLUMNS}, t.downstream, {_IN_SPRINT} AS in_sprint,
       (SELECT value FROM meta WHERE key = 'graph') AS graph,
       (SELECT value FROM meta WHERE key = 'ranks') AS ranks
FROM tasks t WHERE {_READY_WHERE}
ORDER BY in_sprint DESC, t.priority_rank, t.downstream DESC, t.created_at,
         t.id_head, t.id_num, t.id
LIMIT $2
"""
# When the stored counts are stale and cannot be stored (a read unit of work).
_READY_KEYS = f"""
SELECT t.id, t.priority_rank, t.created_at, {_IN_SPRINT} AS in_sprint
FROM tasks t WHERE {_READY_WHERE}
"""
_STORE_RANKS = """
WITH counted AS (SELECT * FROM unnest($1::text[], $2::integer[]) AS c(id, n)),
     raised AS (
        UPDATE tasks t SET downstream = c.n FROM counted c
         WHERE t.id = c.id AND t.downstream <> c.n),
     zeroed AS (
        UPDATE tasks t SET downstream = 0
         WHERE t.downstream <> 0 AND NOT EXISTS (SELECT 1 FROM counted c WHERE c.id = t.id))
UPDATE meta SET value = $3 WHERE key = 'ranks'
"""


def _where(flt: TaskFilter) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []

    def add(sql: str, value: Any) -> None:
        args.append(value)
        clauses.append(sql.format(n=len(args)))

    if flt.statuses:
        add("status = ANY(${n}::text[])", [s.value for s in flt.statuses])
    if flt.types:
        add("type = ANY(${n}::text[])", [t.value for t in flt.types])
    if flt.priorities:
        add("priority = ANY(${n}::text[])", [p.value for p in flt.priorities])
    for column in ("sprint", "assignee", "parent", "claimed_by"):
        value = getattr(flt, column)
        if value is not None:
            add(f"{column} = ${{n}}", value)
    if flt.label is not None:
        add("${n} = ANY(labels)", flt.label)
    return clauses, args


def _ready(row: Any) -> ReadyTask:
    return ReadyTask(
        task=task_from_row(row), downstream=row["downstream"], in_active_sprint=row["in_sprint"]
    )


def _text_matches(flt: TaskFilter, task: Task) -> bool:
    # Python's lower(), not the server's: the same answer on any server locale.
    if not flt.text:
        return True
    needle = flt.text.lower()
    return needle in task.title.lower() or needle in task.description.lower()


class PgTasks:
    def __init__(self, db: Db, graph: GraphCache) -> None:
        self._db = db
        self._graph = graph

    async def get(self, task_id: str) -> Task | None:
        row = await self._db.fetchrow(f"SELECT {TASK_COLUMNS} FROM tasks WHERE id = $1", task_id)
        return task_from_row(row) if row is not None else None

    async def get_many(self, task_ids: Sequence[str]) -> builtins.list[Task]:
        rows = await self._db.fetch(
            f"SELECT {TASK_COLUMNS} FROM tasks WHERE id = ANY($1::text[])", list(task_ids)
        )
        found = {r["id"]: task_from_row(r) for r in rows}
        return [found[t] for t in task_ids if t in found]

    async def add(self, task: Task) -> None:
        status = await self._db.execute(
            f"INSERT INTO tasks ({TASK_COLUMNS}) VALUES ({_PLACEHOLDERS}) "
            "ON CONFLICT (id) DO NOTHING",
            *task_args(task),
        )
        if affected(status) == 0:
            raise already_exists("task", task.id)

    async def add_many(self, tasks: Sequence[Task]) -> None:
        """Many new tasks in one batch (copying a store); an existing id is a conflict."""
        try:
            await self._db.executemany(
                f"INSERT INTO tasks ({TASK_COLUMNS}) VALUES ({_PLACEHOLDERS})",
                [task_args(t) for t in tasks],
            )
        except StorageError as exc:
            if isinstance(exc.__cause__, asyncpg.UniqueViolationError):
                raise ConflictError(f"tasks already exist: {exc.__cause__.detail}") from exc
            raise

    async def update(self, task: Task) -> None:
        status = await self._db.execute(
            f"UPDATE tasks SET {_ASSIGN} WHERE id = $1 AND version = $24 - 1", *task_args(task)
        )
        if affected(status) == 1:
            return
        row = await self._db.fetchrow(
            "SELECT version, updated_by FROM tasks WHERE id = $1", task.id
        )
        if row is None:
            raise NotFoundError("task", task.id)
        raise ConflictError.stale("task", task.id, task.version - 1, row[0], row[1])

    async def list(
        self, flt: TaskFilter, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[Task]:
        clauses, args = _where(flt)
        if after is not None:
            head, num = id_parts(after)
            args += [head, num, after]
            n = len(args)
            clauses.append(f"(id_head, id_num, id) > (${n - 2}, ${n - 1}, ${n})")
        sql = f"SELECT {TASK_COLUMNS} FROM tasks"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY id_head, id_num, id"
        if limit is not None and not flt.text:
            args.append(limit)
            sql += f" LIMIT ${len(args)}"
        tasks = [task_from_row(r) for r in await self._db.fetch(sql, *args)]
        if flt.text:
            tasks = [t for t in tasks if _text_matches(flt, t)]
            if limit is not None:
                tasks = tasks[:limit]
        return tasks

    async def count(self, flt: TaskFilter) -> int:
        if flt.text:
            return len(await self.list(flt))
        clauses, args = _where(flt)
        sql = "SELECT count(*) FROM tasks"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        return int(await self._db.fetchval(sql, *args))

    async def status_counts(self) -> dict[TaskStatus, int]:
        rows = await self._db.fetch("SELECT status, count(*) FROM tasks GROUP BY status")
        return {TaskStatus(r[0]): int(r[1]) for r in rows}

    async def ready(self, now: datetime, *, limit: int = 1) -> builtins.list[ReadyTask]:
        limit = max(limit, 0)
        rows = await self._db.fetch(_RANKED, now, limit)
        if not rows or rows[0]["graph"] == rows[0]["ranks"]:
            return [_ready(r) for r in rows]
        graph: str = rows[0]["graph"]
        counts = (await load_graph(self._db, self._graph, graph)).counts()
        if self._db.write:  # we hold the write lock: store the counts for everyone
            ids = list(counts)
            await self._db.execute(_STORE_RANKS, ids, [counts[i] for i in ids], graph)
            self._db.ranks_stored = self._db.graph_touched
            return [_ready(r) for r in await self._db.fetch(_RANKED, now, limit)]
        return await self._rank_here(now, limit, counts)

    async def unfinished(self, now: datetime, *, limit: int = 1) -> builtins.list[Task]:
        rows = await self._db.fetch(_UNFINISHED, now, max(limit, 0))
        return [task_from_row(r) for r in rows]

    async def _rank_here(
        self, now: datetime, limit: int, counts: dict[str, int]
    ) -> builtins.list[ReadyTask]:
        rows = await self._db.fetch(_READY_KEYS, now)

        def key(r: Any) -> tuple[object, ...]:
            head, _, tail = r["id"].rpartition("-")
            number = int(tail) if tail.isdigit() else 0
            down = counts.get(r["id"], 0)
            return (not r["in_sprint"], r["priority_rank"], -down, r["created_at"], head, number)

        best = sorted(rows, key=key)[:limit]
        tasks = {t.id: t for t in await self.get_many([r["id"] for r in best])}
        return [
            ReadyTask(
                task=tasks[r["id"]],
                downstream=counts.get(r["id"], 0),
                in_active_sprint=r["in_sprint"],
            )
            for r in best
        ]


_WALK = """
WITH RECURSIVE walk(id) AS (
    SELECT $1::text COLLATE "C"
    UNION
    SELECT d.depends_on FROM walk JOIN deps d ON d.task_id = walk.id
)
"""


async def load_graph(db: Db, cache: GraphCache, version: str) -> Graph:
    """The graph as this unit of work sees it (`version` read in it), cached if it can be."""
    if db.graph_touched and db.local_graph is not None:
        return db.local_graph
    db.graph_seen = version
    graph = cache.get(version)
    if graph is None:
        rows = await db.fetch("SELECT task_id, depends_on FROM deps")
        graph = Graph(version, ((r[0], r[1]) for r in rows))
        if not db.graph_touched:  # our own uncommitted version is nobody's to cache
            cache.keep(graph)
    return graph


class PgDeps:
    def __init__(self, db: Db, graph: GraphCache) -> None:
        self._db = db
        self._graph = graph

    async def add_many(self, edges: Sequence[tuple[str, str]]) -> None:
        """Many new edges between existing tasks in one batch (copying a store)."""
        if not edges:
            return
        await self._db.executemany(
            "INSERT INTO deps (task_id, depends_on) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            edges,
        )
        for task_id, depends_on in edges:
            await self._touch(True, task_id, depends_on)

    async def _touch(self, added: bool, task_id: str, depends_on: str) -> None:
        db = self._db
        db.graph_diff.append((added, task_id, depends_on))
        if db.ranks_stored:  # counts stored earlier in this transaction are now stale
            await db.execute("UPDATE meta SET value = '' WHERE key = 'ranks'")
            db.ranks_stored = False
        if db.graph_touched:
            if db.local_graph is not None:
                db.local_graph.apply(added, task_id, depends_on)
            return
        # Once per transaction is enough: the version is this transaction's id.
        row = await db.fetchrow(
            "WITH before AS (SELECT value FROM meta WHERE key = 'graph')"
            " UPDATE meta SET value = pg_current_xact_id()::text WHERE key = 'graph'"
            " RETURNING (SELECT value FROM before), value"
        )
        assert row is not None
        db.graph_base, version = row[0], row[1]
        db.graph_touched = True
        known = self._graph.get(db.graph_base)
        if known is not None:  # follow our changes on a private copy of the cached graph
            db.local_graph = known.changed(version, db.graph_diff)

    async def _current(self) -> Graph | None:
        """The graph this unit of work sees, if it can be had without a full load."""
        db = self._db
        if db.graph_touched:
            return db.local_graph
        if db.graph_seen is None:
            db.graph_seen = await db.fetchval("SELECT value FROM meta WHERE key = 'graph'")
        return await load_graph(db, self._graph, db.graph_seen)

    async def add(self, task_id: str, depends_on: str) -> None:
        """A new edge; unknown tasks are not found, and an edge closing a cycle is refused."""
        back = await self.find_path(depends_on, task_id)
        if back is not None:  # every task on a path exists; a self-edge needs a look
            if task_id == depends_on and not await self._db.fetchval(
                "SELECT 1 FROM tasks WHERE id = $1", task_id
            ):
                raise NotFoundError("task", task_id)
            raise CycleError([task_id, *back])
        status = await self._db.execute(
            "INSERT INTO deps (task_id, depends_on) SELECT a.id, b.id FROM tasks a, tasks b"
            " WHERE a.id = $1 AND b.id = $2 ON CONFLICT DO NOTHING",
            task_id,
            depends_on,
        )
        if affected(status):
            await self._touch(True, task_id, depends_on)
            return
        found = await self._db.fetch(
            "SELECT id FROM tasks WHERE id = ANY($1::text[])", [task_id, depends_on]
        )
        for ident in (task_id, depends_on):  # else the edge was there already
            if ident not in {r[0] for r in found}:
                raise NotFoundError("task", ident)

    async def remove(self, task_id: str, depends_on: str) -> bool:
        status = await self._db.execute(
            "DELETE FROM deps WHERE task_id = $1 AND depends_on = $2", task_id, depends_on
        )
        if affected(status):
            await self._touch(False, task_id, depends_on)
            return True
        return False

    async def prerequisites(self, task_id: str) -> builtins.list[str]:
        rows = await self._db.fetch("SELECT depends_on FROM deps WHERE task_id = $1", task_id)
        return sorted((r[0] for r in rows), key=id_key)

    async def dependents(self, task_id: str) -> builtins.list[str]:
        rows = await self._db.fetch("SELECT task_id FROM deps WHERE depends_on = $1", task_id)
        return sorted((r[0] for r in rows), key=id_key)

    async def find_path(self, start: str, goal: str) -> builtins.list[str] | None:
        """The reference's path: from the cached graph (see _graph), or, when this unit
        of work has changed the graph itself, by a walk in SQL.

        PostgreSQL evaluates a recursive query only as far as the outer query reads
        it, so the walk stops at the goal. Only when a path exists are the reached
        edges loaded, for the reference's breadth-first search to pick the path.
        """
        if start == goal:
            return [start]
        graph = await self._current()
        if graph is not None:
            return graph.find_path(start, goal)
        if await self._db.fetchval(_WALK + "SELECT 1 FROM walk WHERE id = $2 LIMIT 1", start, goal):
            rows = await self._db.fetch(
                _WALK
                + "SELECT d.task_id, d.depends_on FROM deps d JOIN walk w ON d.task_id = w.id",
                start,
            )
            return find_path(((r[0], r[1]) for r in rows), start, goal)
        return None

    async def all(self) -> builtins.list[tuple[str, str]]:
        rows = await self._db.fetch("SELECT task_id, depends_on FROM deps")
        return sorted(((r[0], r[1]) for r in rows), key=lambda e: (id_key(e[0]), id_key(e[1])))
