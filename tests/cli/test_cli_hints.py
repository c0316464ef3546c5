"""The core's hints as `orchestron` commands: every action has a rendering, a refusal
lists commands, and the commands a refused move lists really move the task."""

from __future__ import annotations

import shlex
from typing import Any

import anyio
import click
import pytest
from cli_harness import Cli, open_project

from orchestron.cli._errors import from_orchestron_error
from orchestron.cli._hints import RENDERERS, render_hint
from orchestron.core import (
    Act,
    ForbiddenError,
    Hint,
    NotFoundError,
    Orchestron,
    RuleSet,
    TaskStatus,
    hint,
    move_hints,
)
from orchestron.core.testing import task_in


def on_project(cli: Cli, action: Any) -> Any:
    async def go() -> Any:
        async with open_project(cli, actor="claude-1") as orch:
            return await action(orch)

    return anyio.run(go)


def test_every_action_has_a_rendering_here() -> None:
    assert set(RENDERERS) == set(Act)
    for act in Act:
        text = render_hint(Hint(act, "TASK-001"))
        assert text is None or text.startswith("`orchestron "), (act, text)


def test_a_refused_move_lists_the_commands_that_move_it() -> None:
    done = [hint(Act.MOVE, "TASK-001", event="task_reopened", to="TODO")]
    error = from_orchestron_error(ForbiddenError("TASK-001 is DONE", hints=done))
    assert error.format_message() == (
        "TASK-001 is DONE (allowed: `orchestron task reopen TASK-001` -> TODO)"
    )
    missing = from_orchestron_error(NotFoundError("memory", "MEM-009"))
    assert missing.format_message() == "memory MEM-009 not found; try `orchestron memory list`"
    agent_only = [hint(Act.START_SESSION)]
    assert from_orchestron_error(ForbiddenError("ended", hints=agent_only)).format_message() == (
        "ended"
    )


def _task_in(status: TaskStatus) -> Any:
    """A task in `status`; a BLOCKED one as it is in life, waiting on an agent's question."""

    async def make(orch: Orchestron) -> Any:
        if status is not TaskStatus.BLOCKED:
            return await task_in(orch, status, f"in {status.value}")
        task = await task_in(orch, TaskStatus.IN_PROGRESS, "blocked")
        await orch.request_clarification(task.id, "Which one?")
        return await orch.get_task(task.id)

    return make


def _typed(command: str) -> list[str]:
    """The rendered command with its placeholders filled in, as a person would type it."""
    words = shlex.split(command.strip("`"))
    assert words[0] == "orchestron"
    fill = {"TEXT": "because", "ANSWER": "yes"}
    return [fill.get(w, w) for w in words[1:]]


@pytest.mark.parametrize("status", list(TaskStatus))
def test_each_listed_command_moves_the_task_where_it_says(cli: Cli, status: TaskStatus) -> None:
    start = on_project(cli, _task_in(status))
    listed = [(h, render_hint(h)) for h in move_hints(RuleSet(), start)]
    assert listed, f"no moves from {status}"
    for move, text in listed:
        if text is None:  # only an agent makes this move (its question blocks the task)
            assert move.get("event") == "blocked_on_human"
            continue
        command, _, lands = text.rpartition(" -> ")
        task = on_project(cli, _task_in(status))
        args = [a.replace(start.id, task.id) for a in _typed(command)]
        cli(*args)
        now = on_project(cli, lambda orch, t=task: orch.get_task(t.id))
        assert now.status.value == lands == move.get("to"), (text, now.status)


def test_an_unknown_id_names_the_command_that_lists_them(cli: Cli) -> None:
    err = cli.fails("memory", "show", "MEM-042")
    assert err.startswith("error: memory MEM-042 not found; try `orchestron memory list`")
    err = cli.fails("sprint", "show", "SPRINT-009")
    assert "try `orchestron sprint list`" in err


def test_a_dispute_answered_unclearly_names_the_resolve_command(cli: Cli) -> None:
    async def clash(orch: Orchestron) -> str:
        await orch.acting_as("claude-1").remember("Use tabs", kind="convention", topic="indent")
        made = await orch.acting_as("claude-2").remember(
            "Use spaces", kind="convention", topic="indent"
        )
        assert made.request is not None
        return made.request.id

    request = on_project(cli, clash)
    err = cli.fails("answer", request, "whatever you like")
    assert f"try `orchestron memory resolve {request} --keep MEM-001`" in err
    err = cli.fails("memory", "confirm", "MEM-001")
    assert f"`orchestron memory resolve {request} --keep MEM-ID|both|neither`" in err


def test_a_refused_approval_lists_commands_not_rule_events(cli: Cli) -> None:
    cli("task", "add", "a")
    err = cli.fails("approve", "TASK-001")
    assert "`orchestron task start TASK-001` -> IN_PROGRESS" in err
    assert "task_started" not in err


def test_usage_errors_are_click_usage_errors_of_the_command() -> None:
    """(The mapper returns click's own UsageError for a bad value, so exit 2 holds.)"""
    from orchestron.core import InvalidInputError

    ctx = click.Context(click.Command("x", params=[click.Option(["-p", "--priority"])]))
    mapped = from_orchestron_error(InvalidInputError("priority", "'x' is not one of A"), ctx)
    assert isinstance(mapped, click.UsageError)
    assert mapped.format_message() == "--priority: 'x' is not one of A"
