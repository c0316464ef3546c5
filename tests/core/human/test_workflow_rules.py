"""Status rules as data: every default rule, refusals that explain, automation on events."""

from __future__ import annotations

import pytest
from human_support import task_in

from orchestron.core import (
    DEFAULT_RULES,
    PREVIOUS,
    ForbiddenError,
    InvalidInputError,
    Orchestron,
    ProjectConfig,
    Settings,
    TaskStatus,
)
from orchestron.core.testing import FixedClock

pytestmark = pytest.mark.anyio

# How each status is reached in `task_in`: what PREVIOUS restores to.
_BEFORE = {TaskStatus.BLOCKED: TaskStatus.IN_PROGRESS, TaskStatus.PAUSED: TaskStatus.IN_PROGRESS}

CASES = [
    pytest.param(
        rule.when,
        source,
        _BEFORE[source] if rule.to == PREVIOUS else TaskStatus(rule.to),
        id=f"{rule.when}:{source.value}",
    )
    for rule in DEFAULT_RULES
    for source in rule.from_
]


@pytest.mark.parametrize(("when", "source", "target"), CASES)
async def test_every_default_rule_moves_the_task(
    app: Orchestron, when: str, source: TaskStatus, target: TaskStatus
) -> None:
    task = await task_in(app, source.value)
    moved = await app.transition(task.id, when)
    assert moved.status is target
    assert (await app.get_task(task.id)).status is target
    last = (await app.events(entity=task.id, kinds=["task.status_changed"]))[-1]
    assert last.data == {"from": source.value, "to": target.value, "when": when}


async def test_the_defaults_include_the_moves_the_issue_names() -> None:
    table = {(r.when, s, r.to) for r in DEFAULT_RULES for s in r.from_}
    assert ("task_started", TaskStatus.TODO, "IN_PROGRESS") in table
    assert ("tests_pass", TaskStatus.IN_PROGRESS, "IN_REVIEW") in table
    assert ("review_approved", TaskStatus.IN_REVIEW, "DONE") in table
    assert ("review_rejected", TaskStatus.IN_REVIEW, "IN_PROGRESS") in table


async def test_a_forbidden_move_is_refused_with_the_reason_and_the_allowed_moves(
    app: Orchestron,
) -> None:
    task = await app.create_task("Write the parser")
    with pytest.raises(ForbiddenError) as refused:
        await app.transition(task.id, "review_approved")
    assert "TODO" in refused.value.reason and "review_approved" in refused.value.reason
    assert "task_started -> IN_PROGRESS" in refused.value.allowed
    assert "task_started -> IN_PROGRESS" in str(refused.value)
    assert (await app.get_task(task.id)).status is TaskStatus.TODO
    assert await app.events(entity=task.id, kinds=["task.status_changed"]) == []


async def test_set_status_refuses_a_move_no_rule_allows(app: Orchestron) -> None:
    task = await task_in(app, "DONE")
    with pytest.raises(ForbiddenError) as refused:
        await app.transition(task.id, status="IN_REVIEW")
    assert "DONE to IN_REVIEW" in refused.value.reason
    assert "task_reopened -> TODO" in refused.value.allowed


async def test_an_unknown_event_is_named_with_the_known_ones(app: Orchestron) -> None:
    task = await app.create_task("Write the parser")
    with pytest.raises(InvalidInputError) as refused:
        await app.transition(task.id, "tests_passed")
    assert refused.value.field == "event"
    assert "tests_pass" in str(refused.value)


async def test_a_custom_rule_from_config_adds_a_guard(storage_factory: object) -> None:
    config = ProjectConfig.from_toml(
        """
        [[workflow.rules]]
        from = ["IN_REVIEW"]
        to = "DONE"
        when = "review_approved"
        guard = "checkpoints_done"
        """
    )
    app = Orchestron(await storage_factory(), FixedClock(), rules=config.rules)  # type: ignore[operator]
    task = await app.create_task("Ship it", checkpoints=["tests", "docs"])
    for when in ("task_started", "tests_pass"):
        await app.transition(task.id, when)
    with pytest.raises(ForbiddenError) as refused:
        await app.transition(task.id, "review_approved")
    assert "every checkpoint must be done first" in str(refused.value)
    assert (await app.get_task(task.id)).status is TaskStatus.IN_REVIEW
    await app.complete_checkpoint(task.id, 1)
    await app.complete_checkpoint(task.id, "docs")
    assert (await app.transition(task.id, "review_approved")).status is TaskStatus.DONE


async def test_a_custom_rule_from_config_adds_a_new_move(storage_factory: object) -> None:
    config = ProjectConfig.from_toml(
        '[[workflow.rules]]\nfrom = "TODO"\nto = "IN_REVIEW"\nwhen = "fast_track"\n'
    )
    app = Orchestron(await storage_factory(), FixedClock(), rules=config.rules)  # type: ignore[operator]
    task = await app.create_task("Typo in README")
    assert (await app.transition(task.id, "fast_track")).status is TaskStatus.IN_REVIEW
    # the defaults are still there
    assert (await app.transition(task.id, "review_approved")).status is TaskStatus.DONE


async def test_a_finished_dependency_makes_its_dependent_ready_and_says_so(
    app: Orchestron,
) -> None:
    schema = await app.create_task("Design the schema")
    api = await app.create_task("Build the API", depends_on=[schema.id])
    await app.complete_task(schema.id)
    ready = await app.events(entity=api.id, kinds=["task.ready"])
    assert [e.data for e in ready] == [{"because": schema.id}]


async def test_checkpoints_drive_progress_and_parents_roll_up(app: Orchestron) -> None:
    epic = await app.create_task("Launch", type="EPIC")
    one = await app.create_task("Backend", parent=epic.id, checkpoints=["a", "b"])
    await app.create_task("Frontend", parent=epic.id)
    assert (await app.complete_checkpoint(one.id, 1)).progress == 50
    assert (await app.get_task(epic.id)).progress == 25


async def test_a_parent_completes_with_its_children(app: Orchestron) -> None:
    epic = await app.create_task("Launch", type="EPIC")
    kids = [await app.create_task(t, parent=epic.id) for t in ("Backend", "Frontend")]
    for kid in kids:
        await app.complete_task(kid.id)
    assert (await app.get_task(epic.id)).status is TaskStatus.DONE


async def test_parents_stay_open_when_auto_complete_is_off(storage_factory: object) -> None:
    app = Orchestron(
        await storage_factory(),  # type: ignore[operator]
        FixedClock(),
        settings=Settings(auto_complete_parents=False),
    )
    epic = await app.create_task("Launch", type="EPIC")
    kid = await app.create_task("Backend", parent=epic.id)
    await app.complete_task(kid.id)
    parent = await app.get_task(epic.id)
    assert parent.status is TaskStatus.TODO
    assert parent.progress == 100
