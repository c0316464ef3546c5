"""`session list | show | end`, `context show`, `handoff`, `resume --agent`, and analytics."""

from __future__ import annotations

from typing import Any

import anyio
from cli_harness import Cli, open_project

from orchestron.core import Orchestron, SessionStatus


def agent(cli: Cli, action: Any) -> Any:
    async def go() -> Any:
        async with open_project(cli, actor="claude-1") as orch:
            return await action(orch)

    return anyio.run(go)


async def working_session(orch: Orchestron) -> str:
    """claude-1 starts a session, takes TASK-001 and saves its context."""
    session = await orch.start_session("claude-1", client="claude-code")
    await orch.claim("TASK-001", session.id)
    await orch.save_context(
        session.id,
        {
            "current_task": "TASK-001",
            "completed_steps": ["schema drafted"],
            "next_steps": ["write the migration"],
            "notes": "orders table needs an index",
        },
    )
    return session.id


def test_session_list_show_end(cli: Cli) -> None:
    assert "no sessions yet" in cli("session", "list")
    cli("task", "add", "Orders table")
    sid = agent(cli, working_session)
    rows = cli("session", "list").splitlines()
    assert rows[1].split()[:3] == [sid, "claude-1", "ACTIVE"]
    assert [s["id"] for s in cli.json("session", "list", "--active")["sessions"]] == [sid]

    shown = cli("session", "show", sid)
    assert f"session {sid}" in shown and "claude-code" in shown
    assert "TASK-001" in shown and "Orders table" in shown
    assert "write the migration" in shown
    data = cli.json("session", "show", sid)
    assert data["session"]["status"] == "ACTIVE"
    assert [t["id"] for t in data["tasks"]] == ["TASK-001"]
    assert data["context"]["data"]["next_steps"] == ["write the migration"]

    assert f"Ended session {sid}" in cli("session", "end", sid)

    async def check(orch: Orchestron) -> Any:
        return await orch.get_session(sid), await orch.get_task("TASK-001")

    session, task = agent(cli, check)
    assert session.status is SessionStatus.ENDED and task.claimed_by is None
    assert "no sessions are active" in cli("session", "list", "--active")
    assert "session SES-999 not found" in cli.fails("session", "show", "SES-999")


def test_context_show(cli: Cli) -> None:
    assert "no saved context yet" in cli("context", "show")
    cli("task", "add", "Orders table")
    sid = agent(cli, working_session)
    out = cli("context", "show")
    assert f"context saved by claude-1 ({sid})" in out
    assert "schema drafted" in out and "orders table needs an index" in out
    by_task = cli.json("context", "show", "--task", "TASK-001")["context"]
    assert by_task["session_id"] == sid
    assert cli.json("context", "show", "--agent", "nobody")["context"] is None


def test_handoff_create_and_list_and_resume_package(cli: Cli) -> None:
    cli("task", "add", "Orders table")
    sid = agent(cli, working_session)
    assert "no handoffs yet" in cli("handoff")
    made = cli("handoff", "create", sid, "--to", "claude-2", "--note", "migration next")
    assert "ready for claude-2" in made
    listing = cli("handoff").splitlines()
    assert "PENDING" in listing[1] and "claude-2" in listing[1] and "TASK-001" in listing[1]
    assert len(cli.json("handoff", "list", "--pending")["handoffs"]) == 1

    agent(cli, lambda orch: orch.end_session(sid))
    package = cli.json("resume", "--agent", "claude-2")
    assert package["agent"] == "claude-2" and package["kind"] == "handoff"
    assert package["task"]["id"] == "TASK-001"
    out = cli("resume", "--agent", "claude-2")
    assert out.startswith("resume package for claude-2: handoff")
    assert "TASK-001  Orders table" in out


def test_resume_without_an_agent_uses_the_latest_session(cli: Cli) -> None:
    err = cli.fails("resume")
    assert "no agent has worked here yet" in err and "--agent" in err
    cli("task", "add", "Orders table")
    sid = agent(cli, working_session)
    agent(cli, lambda orch: orch.end_session(sid))
    out = cli("resume")
    assert out.startswith("resume package for claude-1: unfinished")
    assert "write the migration" in out
    assert "TASK-001" in cli.run("resume", env={"ORCHESTRON_AGENT": "claude-1"}).stdout


def test_stats_and_forecast(cli: Cli) -> None:
    for i in range(3):
        cli("task", "add", f"t{i}")
    cli("task", "done", "TASK-001")
    out = cli("stats")
    assert "flow over the last 30 days" in out and "finished:" in out
    data = cli.json("stats", "--days", "7")
    assert data["days"] == 7 and data["finished"] == 1
    cli("sprint", "create", "S1", "--task", "TASK-002", "--task", "TASK-003")
    cli("sprint", "start", "SPRINT-001")
    forecast = cli.json("forecast")
    assert forecast["scope"] == "sprint SPRINT-001" and forecast["remaining"] == 2
    assert forecast["status"] == "not_enough_data" and forecast["enough_data"] is False
    assert "forecast for sprint SPRINT-001: 2 work items left" in cli("forecast")
    err = cli.fails("forecast", "--sprint", "SPRINT-001", "--epic", "TASK-001", code=2)
    assert err.startswith("error: --epic: name one of")
