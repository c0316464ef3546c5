"""Storage contract: dependencies, paths, readiness and next-task order."""

from __future__ import annotations

from datetime import timedelta, timezone
from itertools import pairwise

from attrs import evolve

from orchestron.core.domain.enums import (
    Priority,
    SessionStatus,
    SprintStatus,
    TaskStatus,
    TaskType,
)
from orchestron.core.domain.sprint import Sprint
from orchestron.core.errors import CycleError, NotFoundError
from orchestron.core.ports import ReadyTask, Storage, UnitOfWork
from orchestron.core.services import Orchestron
from orchestron.core.testing._clock import FixedClock
from orchestron.core.testing._contract_kit import (
    T0,
    Check,
    StorageFactory,
    at,
    commit,
    raises,
    session,
    task,
)

__all__ = ["GRAPH_CHECKS"]

NOW = at(60)


def _sprint(ident: str, status: SprintStatus) -> Sprint:
    return Sprint(id=ident, name=ident, created_at=T0, updated_at=T0, status=status)


def _ranked(ready: list[ReadyTask]) -> list[tuple[str, int, bool]]:
    return [(r.task.id, r.downstream, r.in_active_sprint) for r in ready]


async def _ready_ids(storage: Storage, limit: int = 100) -> list[str]:
    async with storage.transaction(write=False) as tx:
        return [r.task.id for r in await tx.tasks.ready(NOW, limit=limit)]


async def check_dependency_edges(make: StorageFactory) -> None:
    """Edges are a set; lists come in id-number order; unknown tasks are refused."""
    async with make() as storage:
        async with storage.transaction() as tx:
            for ident in ("T-1", "T-2", "T-9", "T-10"):
                await tx.tasks.add(task(ident))
            await tx.deps.add("T-1", "T-10")
            await tx.deps.add("T-1", "T-9")
            await tx.deps.add("T-1", "T-9")
            await tx.deps.add("T-10", "T-2")
            await tx.deps.add("T-9", "T-2")
        async with storage.transaction(write=False) as tx:
            assert await tx.deps.prerequisites("T-1") == ["T-9", "T-10"]
            assert await tx.deps.dependents("T-2") == ["T-9", "T-10"]
            assert await tx.deps.prerequisites("T-2") == []
            assert await tx.deps.all() == [
                ("T-1", "T-9"),
                ("T-1", "T-10"),
                ("T-9", "T-2"),
                ("T-10", "T-2"),
            ]
        with raises(NotFoundError):
            await commit(storage, lambda tx: tx.deps.add("T-1", "T-404"))
        # The store itself keeps the graph acyclic, naming the cycle as the use case does.
        with raises(CycleError) as caught:
            await commit(storage, lambda tx: tx.deps.add("T-2", "T-1"))
        assert list(caught[0].cycle) == ["T-2", "T-1", "T-10", "T-2"]
        with raises(CycleError):
            await commit(storage, lambda tx: tx.deps.add("T-2", "T-2"))
        async with storage.transaction() as tx:
            assert await tx.deps.remove("T-1", "T-9") is True
            assert await tx.deps.remove("T-1", "T-9") is False
            assert await tx.deps.prerequisites("T-1") == ["T-10"]


async def check_find_path(make: StorageFactory) -> None:
    """Direct and long chains, the shortest when there are several, None when none."""
    chain = [f"T-{n}" for n in range(1, 8)]
    async with make() as storage:
        async with storage.transaction() as tx:
            for ident in chain:
                await tx.tasks.add(task(ident))
            for a, b in pairwise(chain):
                await tx.deps.add(a, b)
        async with storage.transaction(write=False) as tx:
            assert await tx.deps.find_path("T-1", "T-2") == ["T-1", "T-2"]
            assert await tx.deps.find_path("T-1", "T-7") == chain
            assert await tx.deps.find_path("T-7", "T-1") is None
            assert await tx.deps.find_path("T-3", "T-3") == ["T-3"]
            assert await tx.deps.find_path("T-404", "T-1") is None
        await commit(storage, lambda tx: tx.deps.add("T-2", "T-5"))
        async with storage.transaction(write=False) as tx:
            assert await tx.deps.find_path("T-1", "T-7") == ["T-1", "T-2", "T-5", "T-6", "T-7"]


async def check_cycles_refused_by_name(make: StorageFactory) -> None:
    """Through the use case: a direct and a long cycle are named, and nothing is added."""
    async with make() as storage:
        orch = Orchestron(storage, FixedClock(T0))
        ids = [(await orch.create_task(f"step {n}")).id for n in range(1, 7)]
        for a, b in pairwise(ids):
            await orch.add_dependency(a, b)
        with raises(CycleError) as direct:
            await orch.add_dependency(ids[1], ids[0])
        assert list(direct[0].cycle) == [ids[1], ids[0], ids[1]]
        with raises(CycleError) as long:
            await orch.add_dependency(ids[5], ids[0])
        assert list(long[0].cycle) == [ids[5], *ids]
        async with storage.transaction(write=False) as tx:
            assert len(await tx.deps.all()) == 5
            assert await tx.deps.prerequisites(ids[5]) == []


async def check_ready_order(make: StorageFactory) -> None:
    """Active sprint, then priority, then work unblocked, then age, then id number."""
    high = Priority.HIGH
    tasks = [
        task("T-1", priority=Priority.LOW, sprint="SP-1"),
        task("T-2", priority=Priority.CRITICAL),
        task("T-3", priority=Priority.CRITICAL, sprint="SP-2", created_at=at(1)),
        task("T-4", priority=high, created_at=at(5)),
        task("T-5", created_at=at(6)),
        task("T-6", created_at=at(7)),
        task("T-7", priority=high, created_at=at(2)),
        task("T-9", priority=high, created_at=at(3)),
        task("T-10", priority=high, created_at=at(3)),
    ]
    async with make() as storage:
        async with storage.transaction() as tx:
            await tx.sprints.add(_sprint("SP-1", SprintStatus.ACTIVE))
            await tx.sprints.add(_sprint("SP-2", SprintStatus.PLANNED))
            for t in tasks:
                await tx.tasks.add(t)
            # T-4 unblocks two tasks (T-5 directly, T-6 through T-5).
            await tx.deps.add("T-5", "T-4")
            await tx.deps.add("T-6", "T-5")
        async with storage.transaction(write=False) as tx:
            assert _ranked(await tx.tasks.ready(NOW, limit=20)) == [
                ("T-1", 0, True),
                ("T-2", 0, False),
                ("T-3", 0, False),
                ("T-4", 2, False),
                ("T-7", 0, False),
                ("T-9", 0, False),
                ("T-10", 0, False),
            ]
            assert [r.task.id for r in await tx.tasks.ready(NOW)] == ["T-1"]
            assert [r.task.id for r in await tx.tasks.ready(NOW, limit=3)] == ["T-1", "T-2", "T-3"]
        sp1 = _sprint("SP-1", SprintStatus.ACTIVE)
        await commit(
            storage,
            lambda tx: tx.sprints.update(sp1.changed(at(9), "human", status=SprintStatus.CLOSED)),
        )
        async with storage.transaction(write=False) as tx:
            ranked = _ranked(await tx.tasks.ready(NOW, limit=20))
        assert [r[0] for r in ranked] == ["T-2", "T-3", "T-4", "T-7", "T-9", "T-10", "T-1"]
        assert not any(r[2] for r in ranked), "no sprint is active, so no task is in one"


async def check_ready_follows_graph_changes(make: StorageFactory) -> None:
    """Work unblocked and readiness follow edges and prerequisite status as they change."""
    x, y, z = task("T-1", created_at=T0), task("T-2", created_at=at(1)), task("T-3")
    async with make() as storage:
        async with storage.transaction() as tx:
            for t in (x, y, z):
                await tx.tasks.add(t)
            await tx.deps.add("T-3", "T-2")
        assert await _ready_ids(storage) == ["T-2", "T-1"]
        async with storage.transaction() as tx:
            await tx.deps.remove("T-3", "T-2")
            await tx.deps.add("T-3", "T-1")
            assert [r.task.id for r in await tx.tasks.ready(NOW, limit=5)] == ["T-1", "T-2"]
        assert await _ready_ids(storage) == ["T-1", "T-2"]
        done = x.changed(at(2), "human", status=TaskStatus.DONE)
        await commit(storage, lambda tx: tx.tasks.update(done))
        assert await _ready_ids(storage) == ["T-3", "T-2"]
        reopened = done.changed(at(3), "human", status=TaskStatus.TODO)
        await commit(storage, lambda tx: tx.tasks.update(reopened))
        assert await _ready_ids(storage) == ["T-1", "T-2"]
        cancelled = reopened.changed(at(4), "human", status=TaskStatus.CANCELLED)
        await commit(storage, lambda tx: tx.tasks.update(cancelled))
        assert await _ready_ids(storage) == ["T-3", "T-2"]


async def check_readiness_of_claims_and_prerequisites(make: StorageFactory) -> None:
    """Held only by a live claim; blocked by any prerequisite not DONE or CANCELLED."""
    sessions = [
        session("S-live", "a", lease=NOW + timedelta(seconds=1)),
        session("S-lapsed", "b", lease=NOW),
        session("S-ended", "c", lease=NOW + timedelta(hours=1), status=SessionStatus.ENDED),
    ]
    tasks = [
        task("T-1", claimed_by="S-live"),
        task("T-2", claimed_by="S-lapsed"),
        task("T-3", claimed_by="S-ended"),
        task("T-4", claimed_by="S-unknown"),
        task("T-5", status=TaskStatus.IN_PROGRESS),
        task("T-6"),
        task("T-7"),
        task("T-8", status=TaskStatus.BLOCKED),
        task("P-1", status=TaskStatus.DONE),
        task("P-2", status=TaskStatus.CANCELLED),
        task("P-3", status=TaskStatus.IN_REVIEW),
    ]
    async with make() as storage:
        async with storage.transaction() as tx:
            for s in sessions:
                await tx.sessions.add(s)
            for t in tasks:
                await tx.tasks.add(t)
            await tx.deps.add("T-6", "P-1")
            await tx.deps.add("T-6", "P-2")
            await tx.deps.add("T-7", "P-1")
            await tx.deps.add("T-7", "P-3")
        assert await _ready_ids(storage) == ["T-2", "T-3", "T-4", "T-6"]
        async with storage.transaction(write=False) as tx:
            # The same instant in another zone gives the same answer.
            elsewhere = NOW.astimezone(timezone(timedelta(hours=-5)))
            ids = [r.task.id for r in await tx.tasks.ready(elsewhere, limit=100)]
            assert ids == ["T-2", "T-3", "T-4", "T-6"]
            later = [r.task.id for r in await tx.tasks.ready(NOW + timedelta(seconds=1), limit=9)]
            assert later == ["T-1", "T-2", "T-3", "T-4", "T-6"]


async def check_ready_in_one_unit_with_writes(make: StorageFactory) -> None:
    """ready() sees the unit of work's own uncommitted writes."""

    async def plan(tx: UnitOfWork) -> list[str]:
        await tx.tasks.add(task("T-1", created_at=T0))
        await tx.tasks.add(task("T-2", created_at=at(1)))
        await tx.deps.add("T-1", "T-2")
        first = [r.task.id for r in await tx.tasks.ready(NOW, limit=5)]
        await tx.tasks.update(
            evolve(task("T-2", created_at=at(1)), version=2, status=TaskStatus.DONE)
        )
        return first + [r.task.id for r in await tx.tasks.ready(NOW, limit=5)]

    async with make() as storage:
        assert await commit(storage, plan) == ["T-2", "T-1"]


async def check_containers_are_not_work(make: StorageFactory) -> None:
    """An EPIC, or a task with an open child, is neither ready nor unfinished work."""
    tasks = [
        task("T-1", type=TaskType.EPIC),
        task("T-2", parent="T-1"),
        task("T-3"),
        task("T-4", parent="T-3", status=TaskStatus.DONE),
        task("T-5"),
        task("T-6", parent="T-5", status=TaskStatus.CANCELLED),
        task("T-7", parent="T-5", status=TaskStatus.IN_REVIEW),
        task("T-8", status=TaskStatus.IN_PROGRESS),
        task("T-9", parent="T-8"),
        task("T-10", type=TaskType.EPIC, status=TaskStatus.IN_PROGRESS),
        task("T-11", status=TaskStatus.IN_PROGRESS, parent="T-10"),
    ]
    async with make() as storage:
        async with storage.transaction() as tx:
            for t in tasks:
                await tx.tasks.add(t)
        # T-3's only child is done; T-5 has an open child (T-7).
        assert await _ready_ids(storage) == ["T-2", "T-3", "T-9"]
        async with storage.transaction(write=False) as tx:
            assert [t.id for t in await tx.tasks.unfinished(NOW, limit=10)] == ["T-11"]
        done = task("T-7", parent="T-5", status=TaskStatus.IN_REVIEW)
        await commit(
            storage, lambda tx: tx.tasks.update(done.changed(at(1), "h", status=TaskStatus.DONE))
        )
        assert await _ready_ids(storage) == ["T-2", "T-3", "T-5", "T-9"]


async def check_unfinished_work(make: StorageFactory) -> None:
    """IN_PROGRESS with no live claim; by priority, then the longest waiting, then id."""
    sessions = [
        session("S-live", "a", lease=NOW + timedelta(seconds=1)),
        session("S-lapsed", "b", lease=NOW),
        session("S-ended", "c", lease=NOW + timedelta(hours=1), status=SessionStatus.ENDED),
    ]
    progress = TaskStatus.IN_PROGRESS
    tasks = [
        task("T-1", status=progress, claimed_by="S-live", updated_at=at(8)),
        task("T-2", status=progress, claimed_by="S-lapsed", updated_at=at(5)),
        task("T-3", status=progress, claimed_by="S-ended", updated_at=at(3)),
        task("T-4", status=progress, updated_at=at(3)),
        task("T-5", status=progress, priority=Priority.HIGH, updated_at=at(9)),
        task("T-6"),
        task("T-7", status=TaskStatus.IN_REVIEW),
        task("T-8", status=TaskStatus.PAUSED),
        task("T-9", status=TaskStatus.BLOCKED),
    ]
    async with make() as storage:
        async with storage.transaction() as tx:
            for s in sessions:
                await tx.sessions.add(s)
            for t in tasks:
                await tx.tasks.add(t)
        async with storage.transaction(write=False) as tx:
            found = [t.id for t in await tx.tasks.unfinished(NOW, limit=10)]
            assert found == ["T-5", "T-3", "T-4", "T-2"]
            assert [t.id for t in await tx.tasks.unfinished(NOW)] == ["T-5"]
            later = NOW + timedelta(seconds=1)
            assert [t.id for t in await tx.tasks.unfinished(later, limit=2)] == ["T-5", "T-3"]
            assert len(await tx.tasks.unfinished(later, limit=10)) == 5


GRAPH_CHECKS: tuple[Check, ...] = (
    check_dependency_edges,
    check_find_path,
    check_cycles_refused_by_name,
    check_ready_order,
    check_ready_follows_graph_changes,
    check_readiness_of_claims_and_prerequisites,
    check_ready_in_one_unit_with_writes,
    check_containers_are_not_work,
    check_unfinished_work,
)
