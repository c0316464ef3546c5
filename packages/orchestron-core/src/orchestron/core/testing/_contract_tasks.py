"""Storage contract: tasks as stored, listed and filtered."""

from __future__ import annotations

from datetime import timedelta, timezone

from orchestron.core.domain.enums import Priority, TaskStatus, TaskType
from orchestron.core.domain.task import Checkpoint
from orchestron.core.errors import ConflictError, NotFoundError
from orchestron.core.ports import TaskFilter
from orchestron.core.testing._contract_kit import (
    T0,
    Check,
    StorageFactory,
    at,
    commit,
    raises,
    task,
)

__all__ = ["TASK_CHECKS"]


async def check_task_round_trip(make: StorageFactory) -> None:
    """Every field comes back as it went in; get_many keeps the asked order."""
    full = task(
        "TASK-001",
        title="Write the parser",
        description="Ärger with Unicode input",
        type=TaskType.BUG,
        status=TaskStatus.IN_PROGRESS,
        priority=Priority.HIGH,
        progress=50,
        parent="TASK-009",
        labels=("parser", "urgent"),
        estimate=3.5,
        sprint="SPRINT-001",
        assignee="claude-1",
        claimed_by="S-1",
        checkpoints=(Checkpoint("lex", True, at(1), "claude-1"), Checkpoint("parse")),
        paused_from=TaskStatus.TODO,
        # Another offset on purpose: the same instant must come back.
        started_at=at(2).astimezone(timezone(timedelta(hours=2))),
        updated_at=at(3),
        updated_by="claude-1",
    )
    plain = task("TASK-002")
    async with make() as storage:
        async with storage.transaction() as tx:
            await tx.tasks.add(full)
            await tx.tasks.add(plain)
        async with storage.transaction(write=False) as tx:
            assert await tx.tasks.get("TASK-001") == full
            assert await tx.tasks.get("TASK-404") is None
            got = await tx.tasks.get_many(["TASK-002", "TASK-404", "TASK-001"])
            assert got == [plain, full]
            assert await tx.tasks.get_many([]) == []


async def check_task_added_twice_conflicts(make: StorageFactory) -> None:
    async with make() as storage:
        await commit(storage, lambda tx: tx.tasks.add(task("TASK-001", title="first")))
        with raises(ConflictError):
            await commit(storage, lambda tx: tx.tasks.add(task("TASK-001", title="second")))
        async with storage.transaction(write=False) as tx:
            found = await tx.tasks.get("TASK-001")
            assert found is not None and found.title == "first"


async def check_stale_task_update_conflicts(make: StorageFactory) -> None:
    """A write based on an old version is refused, naming the version and its author."""
    original = task("TASK-001", title="A", updated_by="human")
    async with make() as storage:
        await commit(storage, lambda tx: tx.tasks.add(original))
        await commit(
            storage, lambda tx: tx.tasks.update(original.changed(at(1), "claude-1", title="B"))
        )
        with raises(ConflictError) as caught:
            await commit(
                storage, lambda tx: tx.tasks.update(original.changed(at(2), "claude-2", title="C"))
            )
        err = caught[0]
        assert (err.entity, err.ident) == ("task", "TASK-001")
        assert err.current_version == 2
        assert err.changed_by == "claude-1"
        with raises(NotFoundError):
            await commit(storage, lambda tx: tx.tasks.update(task("TASK-404", version=2)))
        async with storage.transaction(write=False) as tx:
            stored = await tx.tasks.get("TASK-001")
            assert stored is not None
            assert (stored.title, stored.version, stored.updated_by) == ("B", 2, "claude-1")


async def check_list_orders_by_id_number_and_pages(make: StorageFactory) -> None:
    """TASK-999 comes before TASK-1000; `after` and `limit` page through that order."""
    ids = ["TASK-1000", "TASK-002", "TASK-999", "TASK-010", "TASK-001"]
    async with make() as storage:
        async with storage.transaction() as tx:
            for ident in ids:
                await tx.tasks.add(task(ident))
        async with storage.transaction(write=False) as tx:

            async def page(after: str | None = None, limit: int | None = None) -> list[str]:
                found = await tx.tasks.list(TaskFilter(), after=after, limit=limit)
                return [t.id for t in found]

            assert await page() == ["TASK-001", "TASK-002", "TASK-010", "TASK-999", "TASK-1000"]
            assert await page(limit=2) == ["TASK-001", "TASK-002"]
            assert await page(after="TASK-002", limit=2) == ["TASK-010", "TASK-999"]
            assert await page(after="TASK-999", limit=2) == ["TASK-1000"]
            assert await page(after="TASK-1000") == []
            assert await page(after="TASK-005") == ["TASK-010", "TASK-999", "TASK-1000"]


async def check_list_filters(make: StorageFactory) -> None:
    """Each TaskFilter field on its own and combined, with count agreeing."""
    tasks = [
        task("TASK-001", title="Write the PARSER", labels=("parser", "core"), sprint="SPRINT-1"),
        task(
            "TASK-002",
            title="Docs",
            description="explain the parser",
            type=TaskType.STORY,
            status=TaskStatus.DONE,
            priority=Priority.LOW,
            labels=("docs",),
        ),
        task(
            "TASK-003",
            title="Fix crash",
            description="ÄRGER im Lexer",
            type=TaskType.BUG,
            status=TaskStatus.IN_PROGRESS,
            priority=Priority.CRITICAL,
            assignee="claude-1",
            claimed_by="S-1",
            parent="TASK-001",
            sprint="SPRINT-1",
        ),
        task("TASK-004", title="Spike", type=TaskType.SPIKE, parent="TASK-001", labels=("core",)),
    ]
    async with make() as storage:
        async with storage.transaction() as tx:
            for t in tasks:
                await tx.tasks.add(t)
        async with storage.transaction(write=False) as tx:

            async def ids(**kw: object) -> list[str]:
                flt = TaskFilter(**kw)  # type: ignore[arg-type]
                found = [t.id for t in await tx.tasks.list(flt)]
                assert await tx.tasks.count(flt) == len(found), f"count disagrees for {flt}"
                return found

            assert await ids() == ["TASK-001", "TASK-002", "TASK-003", "TASK-004"]
            assert await ids(statuses=[TaskStatus.TODO]) == ["TASK-001", "TASK-004"]
            assert await ids(statuses=[TaskStatus.DONE, TaskStatus.IN_PROGRESS]) == [
                "TASK-002",
                "TASK-003",
            ]
            assert await ids(types=[TaskType.BUG, TaskType.SPIKE]) == ["TASK-003", "TASK-004"]
            assert await ids(priorities=[Priority.LOW, Priority.CRITICAL]) == [
                "TASK-002",
                "TASK-003",
            ]
            assert await ids(sprint="SPRINT-1") == ["TASK-001", "TASK-003"]
            assert await ids(label="core") == ["TASK-001", "TASK-004"]
            assert await ids(label="cor") == []
            assert await ids(assignee="claude-1") == ["TASK-003"]
            assert await ids(parent="TASK-001") == ["TASK-003", "TASK-004"]
            assert await ids(claimed_by="S-1") == ["TASK-003"]
            assert await ids(text="parser") == ["TASK-001", "TASK-002"]
            assert await ids(text="ärger") == ["TASK-003"]
            assert await ids(text="") == ["TASK-001", "TASK-002", "TASK-003", "TASK-004"]
            assert await ids(parent="TASK-001", label="core") == ["TASK-004"]
            assert await ids(sprint="SPRINT-1", statuses=[TaskStatus.TODO]) == ["TASK-001"]
            assert await tx.tasks.status_counts() == {
                TaskStatus.TODO: 2,
                TaskStatus.DONE: 1,
                TaskStatus.IN_PROGRESS: 1,
            }


async def check_filters_follow_updates(make: StorageFactory) -> None:
    """A changed label, status or claim is what the next query sees."""
    original = task("TASK-001", labels=("old",), created_at=T0)
    async with make() as storage:
        await commit(storage, lambda tx: tx.tasks.add(original))
        moved = original.changed(
            at(1), "claude-1", labels=("new",), status=TaskStatus.IN_PROGRESS, claimed_by="S-9"
        )
        await commit(storage, lambda tx: tx.tasks.update(moved))
        async with storage.transaction(write=False) as tx:
            assert await tx.tasks.list(TaskFilter(label="old")) == []
            assert await tx.tasks.list(TaskFilter(label="new")) == [moved]
            assert await tx.tasks.list(TaskFilter(claimed_by="S-9")) == [moved]
            # TaskFilter(converter=tuple) types its init as Iterable[_T_co]: any caller needs this.
            todo = TaskFilter(statuses=(TaskStatus.TODO,))
            assert await tx.tasks.count(todo) == 0


TASK_CHECKS: tuple[Check, ...] = (
    check_task_round_trip,
    check_task_added_twice_conflicts,
    check_stale_task_update_conflicts,
    check_list_orders_by_id_number_and_pages,
    check_list_filters,
    check_filters_follow_updates,
)
