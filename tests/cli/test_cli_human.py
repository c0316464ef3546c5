"""The plan's intervention commands, and their effect seen from the core.

An agent acts in-process through the core (as the MCP server would); the
person acts through the installed `orchestron` command; the test then reads
the project back through the core.
"""

from __future__ import annotations

from typing import Any

import anyio
from cli_harness import Cli, open_project

from orchestron.core import MessageKind, Orchestron, TaskStatus


def as_agent(cli: Cli, action: Any) -> Any:
    """Run `action(orch)` as the agent claude-1 on the CLI's project."""

    async def go() -> Any:
        async with open_project(cli, actor="claude-1") as orch:
            return await action(orch)

    return anyio.run(go)


def read(cli: Cli, action: Any) -> Any:
    return as_agent(cli, action)


def started_task(cli: Cli, title: str = "Store the orders") -> str:
    task_id = cli.json("task", "add", title)["id"]
    cli("task", "start", task_id)
    return str(task_id)


def test_intervene_reaches_the_agents_messages(cli: Cli) -> None:
    cli("task", "add", "Store the orders")

    async def take_it(orch: Orchestron) -> str:
        session = await orch.start_session("claude-1")
        await orch.claim("TASK-001", session.id)
        return session.id

    sid = as_agent(cli, take_it)
    out = cli("intervene", "TASK-001", "--message", "Use PostgreSQL instead")
    assert "queued for the agent on TASK-001" in out

    async def messages(orch: Orchestron) -> list[Any]:
        return await orch.take_messages(sid)

    got = as_agent(cli, messages)  # what the agent's next tool call hands over
    assert [(m.kind, m.text, m.author) for m in got] == [
        (MessageKind.INTERVENTION, "Use PostgreSQL instead", "human:tester")
    ]
    assert as_agent(cli, messages) == []  # exactly once


def test_pause_then_resume(cli: Cli) -> None:
    task_id = started_task(cli)
    out = cli("pause", task_id, "--reason", "Needs architecture review")
    assert out.startswith(f"Paused {task_id}: Needs architecture review")

    async def task_and_messages(orch: Orchestron) -> Any:
        return await orch.get_task(task_id), await orch.messages_for(task_id)

    task, messages = read(cli, task_and_messages)
    assert task.status is TaskStatus.PAUSED and task.paused_from is TaskStatus.IN_PROGRESS
    assert messages[-1].kind is MessageKind.PAUSE
    assert messages[-1].text == "Needs architecture review"

    assert cli("resume", task_id).startswith(f"Resumed {task_id}: it is IN_PROGRESS again")
    task, messages = read(cli, task_and_messages)
    assert task.status is TaskStatus.IN_PROGRESS and task.paused_from is None
    assert messages[-1].kind is MessageKind.RESUME


def test_approve_with_feedback_finishes_the_review(cli: Cli) -> None:
    task_id = started_task(cli)
    as_agent(cli, lambda orch: orch.transition(task_id, "review_requested"))
    out = cli("approve", task_id, "--with-feedback", "Good work, ship it")
    assert out.strip() == f"Approved {task_id}"

    async def check(orch: Orchestron) -> Any:
        return await orch.get_task(task_id), await orch.messages_for(task_id)

    task, messages = read(cli, check)
    assert task.status is TaskStatus.DONE
    assert (messages[-1].kind, messages[-1].text) == (MessageKind.APPROVED, "Good work, ship it")


def test_reject_sends_the_task_back_with_feedback(cli: Cli) -> None:
    task_id = started_task(cli)
    as_agent(cli, lambda orch: orch.transition(task_id, "review_requested"))
    task = cli.json("reject", task_id, "--feedback", "Add the migration first")
    assert task["status"] == "IN_PROGRESS"

    async def messages(orch: Orchestron) -> list[Any]:
        return await orch.messages_for(task_id)

    last = read(cli, messages)[-1]
    assert (last.kind, last.text) == (MessageKind.REJECTED, "Add the migration first")


def test_approve_outside_review_is_refused_with_the_rule(cli: Cli) -> None:
    task_id = started_task(cli)
    err = cli.fails("approve", task_id)
    assert err.startswith(f"error: {task_id} is IN_PROGRESS")
    cli.fails("reject", task_id, code=2)  # --feedback is required


def test_inbox_and_clarify(cli: Cli) -> None:
    assert "inbox empty" in cli("inbox")
    task_id = started_task(cli)
    other = started_task(cli, "Ship it")
    question = as_agent(cli, lambda orch: orch.request_clarification(task_id, "Which database?"))
    as_agent(
        cli,
        lambda orch: orch.request_intervention(
            "Tests need a secret", task_id=other, urgency="critical"
        ),
    )
    listing = cli("inbox")
    rows = listing.splitlines()
    assert rows[1].split()[:2] == ["REQ-002", "CRITICAL"]  # most urgent first
    assert "Which database?" in rows[2] and "(blocking)" in rows[2]
    assert [r["id"] for r in cli.json("inbox")["requests"]] == ["REQ-002", "REQ-001"]

    async def status(orch: Orchestron) -> TaskStatus:
        return (await orch.get_task(task_id)).status

    assert read(cli, status) is TaskStatus.BLOCKED
    out = cli("clarify", task_id, "PostgreSQL 16")
    assert out.startswith(f"Answered {question.id} to 'Which database?' on {task_id}")
    assert read(cli, status) is TaskStatus.IN_PROGRESS  # the block is lifted

    async def answers(orch: Orchestron) -> list[str]:
        return [r.answer or "" for r in await orch.clarifications(task_id) if r.answer]

    assert read(cli, answers) == ["PostgreSQL 16"]
    assert [r["id"] for r in cli.json("inbox")["requests"]] == ["REQ-002"]
    out = cli("answer", "req-2", "It is in the vault")
    assert out.startswith(f"Answered REQ-002 on {other}")
    assert "inbox empty" in cli("inbox")


def test_clarify_with_a_request_of_another_task_names_the_option(cli: Cli) -> None:
    a = started_task(cli)
    b = started_task(cli, "B")
    as_agent(cli, lambda orch: orch.request_clarification(a, "Why?"))
    err = cli.fails("clarify", b, "because", "--request", "REQ-001", code=2)
    assert err.startswith("error: --request: REQ-001 is about")


def test_resume_with_something_that_is_not_a_task_points_at_agent(cli: Cli) -> None:
    err = cli.fails("resume", "claude-1", code=2)
    assert "orchestron resume --agent claude-1" in err
