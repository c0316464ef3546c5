"""Sprints: membership, one active at a time, closing carries unfinished work over."""

from __future__ import annotations

from datetime import date

import pytest

from orchestron.core import ForbiddenError, InvalidInputError, Orchestron, SprintStatus

pytestmark = pytest.mark.anyio


async def test_membership_start_and_close(orch: Orchestron) -> None:
    sprint = await orch.create_sprint(
        "Sprint 1", goal="ship login", start_date=date(2026, 1, 1), end_date=date(2026, 1, 14)
    )
    a = await orch.create_task("a")
    b = await orch.create_task("b", sprint=sprint.id)
    c = await orch.create_task("c")
    await orch.add_to_sprint(sprint.id, [a.id, c.id])
    await orch.remove_from_sprint(sprint.id, [c.id])
    _, members = await orch.get_sprint(sprint.id)
    assert [t.id for t in members] == [a.id, b.id]

    started = await orch.start_sprint(sprint.id)
    assert started.status is SprintStatus.ACTIVE
    other = await orch.create_sprint("Sprint 2")
    with pytest.raises(ForbiddenError, match="already active"):
        await orch.start_sprint(other.id)

    await orch.start_task(a.id)
    await orch.complete_task(a.id)
    closed = await orch.close_sprint(sprint.id)
    assert closed.status is SprintStatus.CLOSED
    assert (await orch.get_task(b.id)).sprint is None
    assert (await orch.get_task(a.id)).sprint == sprint.id
    event = (await orch.events(kinds=["sprint.closed"]))[0]
    assert event.data == {"finished": [a.id], "carried_over": [b.id]}
    with pytest.raises(ForbiddenError, match="closed"):
        await orch.add_to_sprint(sprint.id, [c.id])


async def test_removing_a_task_not_in_the_sprint_names_it(orch: Orchestron) -> None:
    sprint = await orch.create_sprint("s")
    task = await orch.create_task("t")
    with pytest.raises(InvalidInputError, match=task.id):
        await orch.remove_from_sprint(sprint.id, [task.id])


async def test_end_before_start_is_refused(orch: Orchestron) -> None:
    with pytest.raises(InvalidInputError) as info:
        await orch.create_sprint("s", start_date=date(2026, 2, 1), end_date=date(2026, 1, 1))
    assert info.value.field == "end_date"
    assert await orch.list_sprints() == []
