"""Loading many rows at once: imports and benchmarks.

Outside the Storage port: a port call writes one row with its checks and
triggers, so 10,000 tasks with 30,000 dependencies and their events, one
call each, would take many seconds; here each kind is one executemany.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from orchestron.core.domain.event import Event
from orchestron.core.domain.task import Task
from orchestron.core.errors import NotFoundError
from orchestron.sqlite._codec import id_key
from orchestron.sqlite._db import Database
from orchestron.sqlite._deps import restore_order
from orchestron.sqlite._repos import INSERT_EVENT, NEW_EVENT
from orchestron.sqlite._schema import FINISHED
from orchestron.sqlite._table import fetch
from orchestron.sqlite._tasks import TASKS

__all__ = ["bulk_load"]

_RECOUNT = f"""UPDATE tasks SET open_prereqs = (
    SELECT count(*) FROM deps d JOIN tasks p ON p.rid = d.dep_rid
     WHERE d.task_rid = tasks.rid AND p.status NOT IN {FINISHED})"""
_BULK_DONE = """UPDATE meta SET value = CASE key WHEN 'bulk' THEN 0 ELSE value + 1 END
 WHERE key IN ('bulk', 'graph_version')"""


async def bulk_load(
    conn: Database,
    tasks: Sequence[Task],
    dependencies: Sequence[tuple[str, str]],
    events: Sequence[Event],
) -> None:
    if tasks:
        await TASKS.insert_many(conn, tasks)
        await _move_counters(conn, [t.id for t in tasks])
    if dependencies:
        rids = await _row_ids(conn, {ident for edge in dependencies for ident in edge})
        # Per-edge triggers would rewrite a task row per edge; count once instead.
        await conn.execute("UPDATE meta SET value = 1 WHERE key = 'bulk'")
        await conn.executemany(
            "INSERT OR IGNORE INTO deps (task_rid, dep_rid) VALUES (?, ?)",
            [(rids[task], rids[prereq]) for task, prereq in dependencies],
        )
        await conn.execute(_RECOUNT)
        await conn.execute(_BULK_DONE)
        await restore_order(conn)
    if events:
        await conn.executemany(INSERT_EVENT, [NEW_EVENT.values(e) for e in events])


async def _move_counters(conn: Database, ids: Sequence[str]) -> None:
    """next_number continues after the loaded ids (TASK-120 loaded: the next is 121)."""
    highest: dict[str, int] = {}
    for ident in ids:
        head, number = id_key(ident)
        if number >= 0:
            highest[head] = max(highest.get(head, 0), number)
    await conn.executemany(
        "INSERT INTO counters (prefix, value) VALUES (?, ?)"
        " ON CONFLICT (prefix) DO UPDATE SET value = max(value, excluded.value)",
        list(highest.items()),
    )


async def _row_ids(conn: Database, ids: set[str]) -> dict[str, int]:
    rows = await fetch(
        conn,
        "SELECT j.value, t.rid FROM json_each(?) j LEFT JOIN tasks t ON t.id = j.value",
        [json.dumps(sorted(ids))],
    )
    found = dict(rows)
    for ident, rid in sorted(found.items()):
        if rid is None:
            raise NotFoundError("task", ident)
    return found
