"""Dependencies form a DAG; the next task is chosen deterministically, with a reason."""

from __future__ import annotations

import pytest

from orchestron.core import CycleError, InvalidInputError, NotFoundError, Orchestron
from orchestron.core.graph import downstream_counts, find_path
from orchestron.core.testing import FixedClock

pytestmark = pytest.mark.anyio


async def test_direct_cycle_is_refused_and_named(orch: Orchestron) -> None:
    a = await orch.create_task("A")
    b = await orch.create_task("B", depends_on=[a.id])
    before = await orch.last_event_seq()
    with pytest.raises(CycleError) as info:
        await orch.add_dependency(a.id, b.id)
    assert info.value.cycle == ("TASK-001", "TASK-002", "TASK-001")
    assert "TASK-001 -> TASK-002 -> TASK-001" in str(info.value)
    assert await orch.last_event_seq() == before
    assert await orch.dependencies(a.id) == ([], ["TASK-002"])


async def test_long_cycle_is_refused_with_the_whole_chain(orch: Orchestron) -> None:
    ids = [(await orch.create_task(f"step {i}")).id for i in range(6)]
    for later, earlier in zip(ids[1:], ids, strict=False):
        await orch.add_dependency(later, earlier)
    with pytest.raises(CycleError) as info:
        await orch.add_dependency(ids[0], ids[-1])
    assert info.value.cycle == (ids[0], *reversed(ids))
    assert await orch.dependencies(ids[0]) == ([], [ids[1]])


async def test_self_dependency_names_the_field(orch: Orchestron) -> None:
    a = await orch.create_task("A")
    with pytest.raises(InvalidInputError) as info:
        await orch.add_dependency(a.id, a.id)
    assert info.value.field == "depends_on"


async def test_dependency_on_unknown_task_writes_nothing(orch: Orchestron) -> None:
    a = await orch.create_task("A")
    before = await orch.last_event_seq()
    with pytest.raises(NotFoundError, match="TASK-099"):
        await orch.add_dependency(a.id, "TASK-099")
    assert await orch.last_event_seq() == before


async def test_adding_an_existing_edge_twice_changes_nothing(orch: Orchestron) -> None:
    a = await orch.create_task("A")
    b = await orch.create_task("B", depends_on=[a.id])
    before = await orch.last_event_seq()
    await orch.add_dependency(b.id, a.id)
    assert await orch.last_event_seq() == before


async def test_next_task_prefers_active_sprint_then_priority_then_unblocking_then_age(
    orch: Orchestron, clock: FixedClock
) -> None:
    old_low = await orch.create_task("old low", priority="low")
    clock.advance(60)
    high = await orch.create_task("high", priority="high")
    clock.advance(60)
    high_unblocks = await orch.create_task("high that unblocks two", priority="high")
    await orch.create_task("waits 1", depends_on=[high_unblocks.id])
    await orch.create_task("waits 2", depends_on=[high_unblocks.id], priority="critical")

    choice = await orch.next_task()
    assert choice is not None
    assert choice.task.id == high_unblocks.id
    assert "unblocks 2" in choice.reason

    sprint = await orch.create_sprint("now")
    await orch.add_to_sprint(sprint.id, [old_low.id])
    await orch.start_sprint(sprint.id)
    choice = await orch.next_task()
    assert choice is not None and choice.task.id == old_low.id
    assert "active sprint" in choice.reason

    # Started by hand and held by nobody, they are unfinished work: offered before new work.
    await orch.start_task(old_low.id)
    await orch.start_task(high_unblocks.id)
    choice = await orch.next_task()
    assert choice is not None and choice.kind == "unfinished"
    assert choice.task.id == high_unblocks.id  # the higher priority first
    session = await orch.start_session("claude-1")
    await orch.claim(high_unblocks.id, session.id)
    await orch.claim(old_low.id, session.id)
    choice = await orch.next_task()
    assert choice is not None and choice.kind == "next" and choice.task.id == high.id


async def test_age_breaks_ties_then_id(orch: Orchestron, clock: FixedClock) -> None:
    first = await orch.create_task("first")
    clock.advance(1)
    await orch.create_task("second")
    choice = await orch.next_task()
    assert choice is not None and choice.task.id == first.id
    assert "oldest" in choice.reason


async def test_finishing_a_prerequisite_makes_dependents_ready_and_logs_it(
    orch: Orchestron,
) -> None:
    a = await orch.create_task("A")
    b = await orch.create_task("B", depends_on=[a.id])
    assert [r.task.id for r in await orch.ready_tasks()] == [a.id]
    await orch.start_task(a.id)
    await orch.complete_task(a.id)
    assert [r.task.id for r in await orch.ready_tasks()] == [b.id]
    ready_events = await orch.events(kinds=["task.ready"])
    assert [(e.entity, e.data["because"]) for e in ready_events] == [(b.id, a.id)]


async def test_cancelled_prerequisite_counts_as_finished(orch: Orchestron) -> None:
    a = await orch.create_task("A")
    b = await orch.create_task("B", depends_on=[a.id])
    await orch.transition(a.id, status="cancelled")
    assert [r.task.id for r in await orch.ready_tasks()] == [b.id]


async def test_no_ready_task_gives_none(orch: Orchestron) -> None:
    assert await orch.next_task() is None


def test_downstream_counts_are_transitive_and_not_double_counted() -> None:
    # D depends on B and C, which both depend on A: A unblocks 3, not 4.
    edges = [("B", "A"), ("C", "A"), ("D", "B"), ("D", "C")]
    assert downstream_counts(edges) == {"A": 3, "B": 1, "C": 1}


def test_find_path_follows_depends_on_edges() -> None:
    edges = [("C", "B"), ("B", "A"), ("C", "A")]
    assert find_path(edges, "C", "A") == ["C", "A"]
    assert find_path(edges, "A", "C") is None
