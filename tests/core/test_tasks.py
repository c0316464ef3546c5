"""Tasks: creation, edits, status through the rules, progress and roll-up."""

from __future__ import annotations

import pytest

from orchestron.core import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    Orchestron,
    TaskFilter,
    TaskStatus,
    checked_fields,
)
from orchestron.core.testing import FixedClock

pytestmark = pytest.mark.anyio


async def test_ids_are_short_and_sequential(orch: Orchestron) -> None:
    ids = [(await orch.create_task(f"t{i}")).id for i in range(3)]
    assert ids == ["TASK-001", "TASK-002", "TASK-003"]
    assert (await orch.get_task("task-2")).title == "t1"


async def test_get_tasks_reads_many_in_the_order_asked_leaving_out_unknown_ids(
    orch: Orchestron,
) -> None:
    ids = [(await orch.create_task(f"t{i}")).id for i in range(3)]
    got = await orch.get_tasks([ids[2], "TASK-099", ids[0]])
    assert [(t.id, t.title) for t in got] == [(ids[2], "t2"), (ids[0], "t0")]
    assert await orch.get_tasks([]) == []


async def test_create_records_every_field_and_an_event(orch: Orchestron) -> None:
    epic = await orch.create_task("Epic", type="epic")
    task = await orch.create_task(
        "  Build   the API ",
        description="REST",
        type="story",
        priority="high",
        parent=epic.id,
        labels=["API", "backend", "api"],
        estimate=3,
    )
    assert task.title == "Build the API"
    assert task.labels == ("api", "backend")
    assert task.parent == epic.id and task.estimate == 3.0
    created = await orch.events(entity=task.id, kinds=["task.created"])
    assert created[0].actor == "human:test"
    assert created[0].data["priority"] == "HIGH"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "ok", "type": "chore"}, "type"),
        ({"title": "ok", "priority": "urgent"}, "priority"),
        ({"title": "ok", "estimate": -1}, "estimate"),
        ({"title": "ok", "labels": ["two words"]}, "labels"),
    ],
)
async def test_bad_input_names_the_field_and_writes_nothing(
    orch: Orchestron, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInputError) as info:
        await orch.create_task(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
    assert await orch.list_tasks() == []
    assert await orch.last_event_seq() == 0


async def test_unknown_parent_writes_nothing(orch: Orchestron) -> None:
    with pytest.raises(NotFoundError, match="TASK-042"):
        await orch.create_task("child", parent="TASK-042")
    assert await orch.last_event_seq() == 0


@pytest.mark.parametrize("progress", [120, -1, "half", True])
async def test_progress_out_of_range_is_refused(orch: Orchestron, progress: object) -> None:
    task = await orch.create_task("t")
    with pytest.raises(InvalidInputError) as info:
        await orch.change_task(task.id, fields=checked_fields(progress=progress))  # type: ignore[arg-type]
    assert info.value.field == "progress"
    assert (await orch.get_task(task.id)).progress == 0


async def test_unknown_status_is_refused(orch: Orchestron) -> None:
    task = await orch.create_task("t")
    with pytest.raises(InvalidInputError) as info:
        await orch.transition(task.id, status="FINISHED")
    assert info.value.field == "status"
    assert "IN_PROGRESS" in str(info.value)


async def test_unknown_id_is_not_found(orch: Orchestron) -> None:
    with pytest.raises(NotFoundError, match="task TASK-404 not found"):
        await orch.get_task("TASK-404")


async def test_stale_version_is_refused_with_current_version_and_author(
    orch: Orchestron,
) -> None:
    task = await orch.create_task("t")
    await orch.acting_as("claude-2").change_task(
        task.id, fields=checked_fields(title="renamed"), version=task.version
    )
    with pytest.raises(ConflictError) as info:
        await orch.change_task(task.id, fields=checked_fields(title="mine"), version=task.version)
    assert info.value.current_version == 2
    assert info.value.changed_by == "claude-2"
    assert "re-read" in str(info.value)
    assert (await orch.get_task(task.id)).title == "renamed"


async def test_workflow_moves_and_a_forbidden_move_names_the_allowed_ones(
    orch: Orchestron,
) -> None:
    task = await orch.create_task("t")
    await orch.start_task(task.id)
    await orch.transition(task.id, "tests_pass")
    assert (await orch.get_task(task.id)).status is TaskStatus.IN_REVIEW
    await orch.transition(task.id, "review_rejected")
    await orch.transition(task.id, "tests_pass")
    done = await orch.transition(task.id, "review_approved")
    assert done.status is TaskStatus.DONE and done.progress == 100 and done.done_at
    with pytest.raises(ForbiddenError) as info:
        await orch.start_task(task.id)
    assert "task_reopened -> TODO" in str(info.value)


async def test_checkpoints_drive_progress(orch: Orchestron) -> None:
    task = await orch.create_task("t", checkpoints=["design", "build", "test"])
    task = await orch.complete_checkpoint(task.id, 1)
    assert task.progress == 33
    task = await orch.complete_checkpoint(task.id, "build")
    assert task.progress == 67
    task = (await orch.change_task(task.id, checkpoints_add=["ship"])).task
    assert task.progress == 50
    with pytest.raises(ForbiddenError, match="checkpoints"):
        await orch.change_task(task.id, fields=checked_fields(progress=90))
    with pytest.raises(InvalidInputError):
        await orch.complete_checkpoint(task.id, 9)
    kinds = [e.kind for e in await orch.events(entity=task.id)]
    assert kinds.count("task.checkpoint_done") == 2


async def test_parent_rolls_up_children_and_completes_with_them(
    orch: Orchestron, clock: FixedClock
) -> None:
    epic = await orch.create_task("epic", type="epic")
    grand = await orch.create_task("theme", type="epic")
    await orch.change_task(epic.id, parent=grand.id)
    a = await orch.create_task("a", parent=epic.id)
    b = await orch.create_task("b", parent=epic.id, checkpoints=["one", "two"])
    await orch.change_task(a.id, fields=checked_fields(progress=50))
    await orch.complete_checkpoint(b.id, 1)
    assert (await orch.get_task(epic.id)).progress == 50
    assert (await orch.get_task(grand.id)).progress == 50
    with pytest.raises(ForbiddenError, match="rolled up"):
        await orch.change_task(epic.id, fields=checked_fields(progress=10))
    for child in (a, b):
        await orch.start_task(child.id)
        await orch.complete_task(child.id)
    assert (await orch.get_task(epic.id)).status is TaskStatus.DONE
    assert (await orch.get_task(grand.id)).status is TaskStatus.DONE


async def test_parent_cannot_be_its_own_descendant(orch: Orchestron) -> None:
    epic = await orch.create_task("epic")
    child = await orch.create_task("child", parent=epic.id)
    with pytest.raises(InvalidInputError) as info:
        await orch.change_task(epic.id, parent=child.id)
    assert info.value.field == "parent"


async def test_list_filters_and_pages_by_id(orch: Orchestron) -> None:
    for i in range(12):
        await orch.create_task(
            f"t{i}", labels=["even"] if i % 2 == 0 else [], priority="high" if i < 3 else "low"
        )
    page1 = await orch.list_tasks(limit=5)
    page2 = await orch.list_tasks(after=page1[-1].id, limit=5)
    assert [t.id for t in page1 + page2] == [f"TASK-{i:03d}" for i in range(1, 11)]
    evens = await orch.list_tasks(TaskFilter(label="even"))
    assert len(evens) == 6
    assert len(await orch.list_tasks(TaskFilter(text="T1"))) == 3  # t1, t10, t11


async def test_count_and_edges_through_the_facade(orch: Orchestron) -> None:
    a = await orch.create_task("a")
    await orch.create_task("b", depends_on=[a.id])
    await orch.start_task(a.id)
    assert await orch.count_tasks() == 2
    assert await orch.count_tasks(TaskFilter(statuses=[TaskStatus.IN_PROGRESS])) == 1
    assert await orch.dependency_edges() == [("TASK-002", "TASK-001")]
