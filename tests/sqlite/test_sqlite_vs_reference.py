"""Random plans applied to SQLite and to the reference fake give the same answers.

The contract pins behaviour on small hand-made graphs; this walks through
many edits (edges in both directions, status moves, claims, sprints), so the
kept counts in SQLite (unfinished prerequisites, cached downstream ranks)
are checked against the fake, which recomputes everything each time.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from orchestron.core import Priority, Sprint, SprintStatus, Task, TaskStatus
from orchestron.core.domain.session import Session
from orchestron.core.ports import Storage
from orchestron.core.testing import MemoryStorage
from orchestron.sqlite import SqliteStorage

pytestmark = pytest.mark.anyio
OpenStorage = Callable[..., Awaitable[SqliteStorage]]

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=2)
TASKS = 60
STATUSES = [TaskStatus.TODO] * 4 + [TaskStatus.DONE, TaskStatus.CANCELLED, TaskStatus.IN_PROGRESS]


def _task(rnd: random.Random, n: int) -> Task:
    return Task(
        id=f"TASK-{n:03d}",
        title=f"task {n}",
        created_at=T0 + timedelta(minutes=rnd.randrange(30)),
        updated_at=T0,
        priority=rnd.choice(list(Priority)),
        sprint=rnd.choice([None, None, "SP-1", "SP-2"]),
    )


def _session(ident: str, lease: datetime) -> Session:
    return Session(id=ident, agent_id="a", started_at=T0, last_seen=T0, lease_expires=lease)


async def _apply(stores: tuple[Storage, ...], op: str, *args: object) -> None:
    for store in stores:
        async with store.transaction() as tx:
            if op == "add_edge":
                await tx.deps.add(*args)  # type: ignore[arg-type]
            elif op == "remove_edge":
                await tx.deps.remove(*args)  # type: ignore[arg-type]
            elif op == "task":
                (task,) = args
                assert isinstance(task, Task)
                await tx.tasks.update(task)
            elif op == "sprint":
                (sprint,) = args
                assert isinstance(sprint, Sprint)
                await tx.sprints.update(sprint)


async def _answers(store: Storage, pairs: list[tuple[str, str]]) -> object:
    async with store.transaction(write=False) as tx:
        ready = [
            (r.task.id, r.downstream, r.in_active_sprint)
            for r in await tx.tasks.ready(NOW, limit=TASKS)
        ]
        paths = [await tx.deps.find_path(a, b) for a, b in pairs]
        return ready, paths, await tx.deps.all()


async def test_random_plans_match_the_reference(open_storage: OpenStorage, db: Path) -> None:
    rnd = random.Random(20261124)
    sqlite = await open_storage()
    memory = MemoryStorage()
    stores: tuple[Storage, ...] = (memory, sqlite)
    ids = [f"TASK-{n:03d}" for n in range(1, TASKS + 1)]
    sprint = Sprint(id="SP-1", name="now", created_at=T0, updated_at=T0)
    for store in stores:
        async with store.transaction() as tx:
            await tx.sprints.add(sprint)
            await tx.sprints.add(Sprint(id="SP-2", name="later", created_at=T0, updated_at=T0))
            await tx.sessions.add(_session("S-live", NOW + timedelta(minutes=5)))
            await tx.sessions.add(_session("S-lapsed", NOW - timedelta(minutes=5)))
            for n in range(1, TASKS + 1):
                await tx.tasks.add(_task(random.Random(n), n))

    for step in range(150):
        kind = rnd.random()
        async with memory.transaction(write=False) as tx:
            edges = await tx.deps.all()
            if kind < 0.5:
                a, b = rnd.sample(ids, 2)
                if await tx.deps.find_path(b, a) is None:
                    op: tuple[object, ...] = ("add_edge", a, b)
                else:
                    op = ("skip",)
            elif kind < 0.65 and edges:
                op = ("remove_edge", *rnd.choice(edges))
            elif kind < 0.95:
                task = await tx.tasks.get(rnd.choice(ids))
                assert task is not None
                moved = task.changed(
                    T0,
                    "test",
                    status=rnd.choice(STATUSES),
                    claimed_by=rnd.choice([None, None, "S-live", "S-lapsed", "S-gone"]),
                )
                op = ("task", moved)
            else:
                current = await tx.sprints.get("SP-1")
                assert current is not None
                flip = (
                    SprintStatus.PLANNED
                    if current.status is SprintStatus.ACTIVE
                    else SprintStatus.ACTIVE
                )
                op = ("sprint", current.changed(T0, "test", status=flip))
        if op[0] != "skip":
            await _apply(stores, str(op[0]), *op[1:])
        pairs = [(rnd.choice(ids), rnd.choice(ids)) for _ in range(4)]
        expected = await _answers(memory, pairs)
        assert await _answers(sqlite, pairs) == expected, f"diverged at step {step}: {op}"

    with sqlite3.connect(db) as conn:
        (against,) = conn.execute(
            "SELECT count(*) FROM deps d JOIN tasks a ON a.rid = d.task_rid"
            " JOIN tasks b ON b.rid = d.dep_rid WHERE a.topo <= b.topo"
        ).fetchone()
        (edges,) = conn.execute("SELECT count(*) FROM deps").fetchone()
    assert edges > 20
    assert against == 0, "every task is ordered after its prerequisites"
