"""What a person sees of continuity: unfinished work first, words waiting for a reader."""

from __future__ import annotations

import anyio
from cli_harness import Cli, open_project


def _in_core(cli: Cli, fn):  # type: ignore[no-untyped-def]
    async def main():  # type: ignore[no-untyped-def]
        async with open_project(cli, actor="claude-code-1a2b") as orch:
            return await fn(orch)

    return anyio.run(main)


def test_unfinished_work_comes_first_in_next_and_shows_in_task_show(cli: Cli) -> None:
    cli("task", "add", "Left behind", "-p", "low")
    cli("task", "add", "Fresh and urgent", "-p", "critical")

    async def leave(orch):  # type: ignore[no-untyped-def]
        session = await orch.start_session("claude-code-1a2b")
        await orch.claim("TASK-001", session.id)
        await orch.save_context(session.id, {"next_steps": ["add the index"]})
        await orch.end_session(session.id)
        return session.id

    sid = _in_core(cli, leave)
    shown = cli("next")
    assert "TASK-001" in shown and "unfinished work" in shown
    assert f"unfinished: {sid} ended" in shown and "add the index" in shown
    listed = cli("next", "-n", "3")
    lines = [line for line in listed.splitlines() if "TASK-" in line]
    assert lines[0].startswith("TASK-001") and "unfinished" in lines[0]
    assert lines[1].startswith("TASK-002")
    assert cli.json("next")["kind"] == "unfinished"
    assert "nobody on it" in cli("task", "show", "TASK-001")


def test_an_answer_nobody_will_read_waits_in_the_inbox_until_redirected(cli: Cli) -> None:
    cli("task", "add", "Deploy")

    async def ask_and_go(orch):  # type: ignore[no-untyped-def]
        session = await orch.start_session("claude-code-1a2b")
        request = await orch.request_intervention("Staging password?", session_id=session.id)
        await orch.end_session(session.id)
        return request.id

    req = _in_core(cli, ask_and_go)
    cli("answer", req, "In the vault")
    inbox = cli("inbox")
    assert "waiting for a reader" in inbox and "In the vault" in inbox
    waiting = cli.json("inbox")["waiting_messages"]
    assert [m["text"] for m in waiting] == ["In the vault"]
    assert "--task" in cli.fails("redirect", waiting[0]["id"], code=2)
    said = cli("redirect", waiting[0]["id"], "--task", "TASK-001")
    assert "about TASK-001" in said
    assert cli.json("inbox")["waiting_messages"] == []
    assert "already delivered" in cli.fails("redirect", waiting[0]["id"], "--task", "TASK-001")
