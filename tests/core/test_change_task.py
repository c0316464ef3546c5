"""`change_task`: many changes to one task in one unit of work, all or nothing."""

from __future__ import annotations

import pytest

from orchestron.core import (
    ConflictError,
    CycleError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    Orchestron,
    RuleSet,
    TaskStatus,
    checked_fields,
)
from orchestron.core.domain.rules import DEFAULT_RULES, Rule
from orchestron.core.testing import FixedClock, MemoryStorage

pytestmark = pytest.mark.anyio


async def snapshot(orch: Orchestron, task_id: str) -> tuple[object, ...]:
    task = await orch.get_task(task_id)
    return task, await orch.dependencies(task_id), len(await orch.events(entity=task_id))


async def test_everything_asked_is_applied_in_order_and_told(orch: Orchestron) -> None:
    prereq = await orch.create_task("Schema")
    old = await orch.create_task("Old prerequisite")
    task = await orch.create_task("API", depends_on=[old.id])
    await orch.complete_task(prereq.id)

    changed = await orch.change_task(
        task.id,
        fields=checked_fields(title="API v2", priority="high"),
        depends_on_add=[prereq.id],
        depends_on_remove=[old.id],
        checkpoints_add=["models", "routes"],
        checkpoints_done=[1],
        status="IN_PROGRESS",
        note="starting",
    )

    assert changed.applied == (
        f"depends on {prereq.id}",
        f"no longer depends on {old.id}",
        "title API -> API v2",
        "priority MEDIUM -> HIGH",
        "checkpoint added: models",
        "checkpoint added: routes",
        "checkpoint done: models",
        "status TODO -> IN_PROGRESS",
    )
    stored = await orch.get_task(task.id)
    assert stored == changed.task
    assert (stored.title, stored.priority.value, stored.status) == (
        "API v2",
        "HIGH",
        TaskStatus.IN_PROGRESS,
    )
    assert stored.progress == 50, "one of two checkpoints done"
    assert await orch.dependencies(task.id) == ([prereq.id], [])


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"depends_on_add": ["TASK-009"]}, NotFoundError),
        ({"depends_on_add": ["TASK-001"]}, CycleError),  # TASK-001 already waits on TASK-002
        ({"checkpoints_done": [3]}, InvalidInputError),
        ({"status": "IN_REVIEW"}, ForbiddenError),  # TODO cannot go straight to review
        ({"event": "no_such_event"}, InvalidInputError),
        ({"version": 99}, ConflictError),
        ({"parent": "TASK-002"}, InvalidInputError),  # its own parent
        ({"fields": {"progress": 40}, "checkpoints_add": ["x"]}, ForbiddenError),
    ],
)
async def test_a_refusal_anywhere_changes_nothing(
    orch: Orchestron, kwargs: dict[str, object], error: type[Exception]
) -> None:
    first = await orch.create_task("First")
    task = await orch.create_task("Second", checkpoints=["a", "b"])
    await orch.add_dependency(first.id, task.id)
    before = await snapshot(orch, task.id)

    # Valid changes ride along, so each refusal must also undo those.
    asked = {
        "fields": checked_fields(title="Renamed", priority="critical"),
        "checkpoints_done": [1],
        **kwargs,
    }
    with pytest.raises(error):
        await orch.change_task(task.id, **asked)  # type: ignore[arg-type]

    assert await snapshot(orch, task.id) == before


async def test_a_guard_sees_the_checkpoints_ticked_in_the_same_call(clock: FixedClock) -> None:
    guarded = [
        Rule(from_=r.from_, to=r.to, when=r.when, guard="checkpoints_done")
        if r.when == "task_completed"
        else r
        for r in DEFAULT_RULES
    ]
    orch = Orchestron(MemoryStorage(), clock, rules=RuleSet(tuple(guarded)))
    task = await orch.create_task("Ship", checkpoints=["build", "test"])

    with pytest.raises(ForbiddenError):
        await orch.change_task(task.id, checkpoints_done=[1], status="DONE")
    assert not any(c.done for c in (await orch.get_task(task.id)).checkpoints)

    done = await orch.change_task(task.id, checkpoints_done=[1, 2], status="DONE")
    assert done.task.status is TaskStatus.DONE


async def test_status_and_event_together_are_refused(orch: Orchestron) -> None:
    task = await orch.create_task("Either")
    with pytest.raises(InvalidInputError, match="status or event"):
        await orch.change_task(task.id, status="IN_PROGRESS", event="task_started")


async def test_asking_for_what_is_already_so_applies_nothing(orch: Orchestron) -> None:
    task = await orch.create_task("Same")
    changed = await orch.change_task(task.id, fields=checked_fields(title="Same"), status="TODO")
    assert changed.applied == ()
    assert changed.task.version == task.version
