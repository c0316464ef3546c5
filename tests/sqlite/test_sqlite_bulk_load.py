"""bulk_load: many rows in one unit of work, with the same rules as one at a time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from orchestron.core import (
    ConflictError,
    CycleError,
    Event,
    NotFoundError,
    Orchestron,
    Task,
    TaskFilter,
)
from orchestron.core.testing import FixedClock
from orchestron.sqlite import SqliteStorage

pytestmark = pytest.mark.anyio
OpenStorage = Callable[..., Awaitable[SqliteStorage]]
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _task(n: int) -> Task:
    return Task(id=f"TASK-{n:03d}", title=f"task {n}", created_at=T0, updated_at=T0)


async def test_loaded_graph_behaves_like_one_built_by_hand(open_storage: OpenStorage) -> None:
    storage = await open_storage()
    # Listed against the natural order on purpose: TASK-001 depends on the later ones.
    edges = [("TASK-001", "TASK-002"), ("TASK-002", "TASK-003"), ("TASK-001", "TASK-004")]
    events = [Event(T0, "import", "TASK-001", "task.created", {"title": "task 1"})]
    async with storage.transaction() as tx:
        await tx.bulk_load(tasks=[_task(n) for n in range(1, 5)], dependencies=edges, events=events)

    orch = Orchestron(storage, FixedClock(T0))
    assert [t.id for t in await orch.list_tasks(TaskFilter())] == [
        "TASK-001",
        "TASK-002",
        "TASK-003",
        "TASK-004",
    ]
    choice = await orch.next_task()
    assert choice is not None and choice.task.id == "TASK-003" and choice.downstream == 2
    with pytest.raises(CycleError) as caught:
        await orch.add_dependency("TASK-003", "TASK-001")
    assert list(caught.value.cycle) == ["TASK-003", "TASK-001", "TASK-002", "TASK-003"]
    assert (await orch.create_task("after the import")).id == "TASK-005"
    assert [(e.seq, e.kind) for e in await orch.events(limit=1)] == [(1, "task.created")]


@pytest.mark.parametrize(
    ("tasks", "edges", "error"),
    [
        ([1, 2], [("TASK-001", "TASK-404")], NotFoundError),
        ([1, 1], [], ConflictError),
        (
            [1, 2, 3],
            [("TASK-001", "TASK-002"), ("TASK-002", "TASK-003"), ("TASK-003", "TASK-001")],
            CycleError,
        ),
    ],
    ids=["unknown task", "taken id", "cycle"],
)
async def test_bad_load_writes_nothing(
    open_storage: OpenStorage, tasks: list[int], edges: list[tuple[str, str]], error: type
) -> None:
    storage = await open_storage()
    with pytest.raises(error):
        async with storage.transaction() as tx:
            await tx.bulk_load(tasks=[_task(n) for n in tasks], dependencies=edges)
    async with storage.transaction() as tx:
        assert await tx.tasks.count(TaskFilter()) == 0
        assert await tx.deps.all() == []
        assert await tx.next_number("TASK") == 1
