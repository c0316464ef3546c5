"""Structured hints: the core says what would help as an action and its target, in no
door's words; each door renders them (tests/cli, tests/mcp, tests/dashboard check that)."""

from __future__ import annotations

import pytest
from attrs import evolve

from orchestron.core import (
    Act,
    ForbiddenError,
    Hint,
    InvalidInputError,
    NotFoundError,
    Orchestron,
    RuleSet,
    hint,
    move_hints,
    moved_by,
)

pytestmark = pytest.mark.anyio


def test_an_unknown_id_hints_at_listing_what_exists() -> None:
    for entity, listed in [("task", "tasks"), ("sprint", "sprints"), ("memory", "memory")]:
        exc = NotFoundError(entity, "X-9")
        assert exc.hints == (Hint(Act.LIST, listed),)
        assert exc.reason == f"{entity} X-9 not found"
        assert exc.message == f"{entity} X-9 not found; try list {listed}"
    assert NotFoundError("outbox item", "7").hints == ()


def test_older_string_hints_and_allowed_lists_still_work() -> None:
    old = NotFoundError("task", "T-1", "see the board")
    assert (old.message, old.hints) == ("task T-1 not found; see the board", ())
    refused = ForbiddenError("no", ["a -> B"])
    assert (refused.reason, refused.allowed, str(refused)) == (
        "no",
        ("a -> B",),
        "no (allowed: a -> B)",
    )
    assert refused.explain([]) == "no (allowed: a -> B)"


def test_a_refusal_with_hints_describes_them_in_neutral_words() -> None:
    moves = [hint(Act.MOVE, "TASK-001", event="task_reopened", to="TODO")]
    refused = ForbiddenError("TASK-001 is DONE", hints=moves)
    assert refused.allowed == ("task_reopened -> TODO",)
    assert str(refused) == "TASK-001 is DONE (allowed: task_reopened -> TODO)"
    assert refused.explain(["`x`"]) == "TASK-001 is DONE (allowed: `x`)"
    other = ForbiddenError("SPRINT-001 is closed", hints=[Hint(Act.CREATE_SPRINT)])
    assert other.explain(["`y`"]) == "SPRINT-001 is closed; try `y`"
    assert InvalidInputError("kind", "bad", hints=[Hint(Act.LIST, "tasks")]).hints


def test_hint_options_are_named_values() -> None:
    h = hint(Act.RESOLVE, "REQ-003", keep="MEM-001")
    assert (h.get("keep"), h.get("nothing", "-")) == ("MEM-001", "-")
    assert h.describe() == "settle REQ-003 keeping MEM-001"
    assert h == Hint(Act.RESOLVE, "REQ-003", {"keep": "MEM-001"})
    for act in Act:
        assert Hint(act, "X-1").describe()


async def test_the_moves_from_a_status_are_the_rules_moves(orch: Orchestron) -> None:
    task = await orch.create_task("t")
    moves = move_hints(RuleSet(), task)
    assert [(h.get("event"), h.get("to")) for h in moves] == [
        ("task_started", "IN_PROGRESS"),
        ("task_completed", "DONE"),
        ("blocked_on_human", "BLOCKED"),
        ("task_paused", "PAUSED"),
        ("task_cancelled", "CANCELLED"),
    ]
    assert {h.target for h in moves} == {task.id} and {h.act for h in moves} == {Act.MOVE}


async def test_a_move_back_lands_where_the_task_was(orch: Orchestron) -> None:
    task = await orch.create_task("t")
    await orch.start_task(task.id)
    paused = await orch.pause(task.id, "wait")
    [back] = [h for h in move_hints(RuleSet(), paused) if h.get("event") == "task_resumed"]
    assert back.get("to") == "IN_PROGRESS"
    lost = evolve(paused, paused_from=None)
    assert all(h.get("event") != "task_resumed" for h in move_hints(RuleSet(), lost))


def test_events_in_words() -> None:
    assert moved_by("review_approved") == "approved"
    assert moved_by("deployed") == "moved by deployed"


async def test_sprint_refusals_hint_at_the_sprint_commands(orch: Orchestron) -> None:
    first = await orch.create_sprint("A")
    second = await orch.create_sprint("B")
    await orch.start_sprint(first.id)
    with pytest.raises(ForbiddenError) as busy:
        await orch.start_sprint(second.id)
    assert busy.value.hints == (Hint(Act.CLOSE_SPRINT, first.id),)
    await orch.close_sprint(first.id)
    task = await orch.create_task("t")
    with pytest.raises(ForbiddenError) as closed:
        await orch.add_to_sprint(first.id, [task.id])
    assert closed.value.hints == (Hint(Act.CREATE_SPRINT),)
    with pytest.raises(NotFoundError) as missing:
        await orch.get_sprint("SPRINT-009")
    assert missing.value.hints == (Hint(Act.LIST, "sprints"),)


async def test_memory_refusals_hint_at_settling_the_dispute(orch: Orchestron) -> None:
    first = await orch.acting_as("claude-1").remember(
        "We use PostgreSQL", kind="decision", topic="database"
    )
    second = await orch.acting_as("claude-2").remember(
        "We use SQLite", kind="decision", topic="database"
    )
    assert second.request is not None
    request = second.request.id
    with pytest.raises(ForbiddenError) as unclear:
        await orch.answer_request(request, "whichever")
    assert unclear.value.hints == (Hint(Act.RESOLVE, request, {"keep": first.entry.id}),)
    with pytest.raises(ForbiddenError) as disputed:
        await orch.confirm(first.entry.id)
    assert disputed.value.hints == (Hint(Act.RESOLVE, request),)
    with pytest.raises(InvalidInputError) as superseding:
        await orch.remember("We use MySQL", kind="decision", topic="db", supersedes=first.entry.id)
    assert superseding.value.hints == (Hint(Act.RESOLVE, request),)
    with pytest.raises(NotFoundError) as missing:
        await orch.get_memory("MEM-099")
    assert missing.value.hints == (Hint(Act.LIST, "memory"),)
