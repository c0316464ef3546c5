"""Continuity through the real doors: two `orchestron-mcp` processes over stdio with their
default agent ids and no hooks, and the installed `orchestron` command for the person."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mcp_helpers import call, error

from mcp import Client, StdioServerParameters

pytestmark = pytest.mark.anyio

BIN = Path(sys.executable).parent


def _exe(name: str) -> str:
    found = shutil.which(name, path=str(BIN))
    assert found, f"{name} is not installed in this environment"
    return found


class Project:
    def __init__(self, folder: Path, home: Path) -> None:
        self.folder = folder
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("ORCHESTRON_", "CLAUDE"))
        }
        self.env.update(HOME=str(home), NO_COLOR="1", COLUMNS="200")

    def cli(self, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [_exe("orchestron"), *args],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == code, f"orchestron {args}: {done.returncode}\n{done.stderr}"
        return done

    def agent(self) -> Client:
        """An agent's server as Claude Code would start it from `.mcp.json`: no --agent."""
        params = StdioServerParameters(
            command=_exe("orchestron-mcp"), args=[], env=self.env, cwd=str(self.folder)
        )
        return Client(params)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    folder, home = tmp_path / "shop", tmp_path / "home"
    folder.mkdir()
    home.mkdir()
    made = Project(folder, home)
    made.cli("init")
    return made


async def test_the_second_agent_resumes_the_first_ones_task_with_its_context_and_message(
    project: Project,
) -> None:
    project.cli("task", "add", "Orders API", "-c", "schema", "-c", "endpoints")
    project.cli("task", "add", "Receipts")
    async with project.agent() as first:
        picked = await call(first, "task_next")
        assert picked["task"]["id"] == "TASK-001" and picked["claimed"] is True
        await call(first, "task_update", {"taskId": "TASK-001", "checkpointsDone": [1]})
        await call(first, "context_save", {"context": {"next_steps": ["write POST /orders"]}})
        who = (await call(first, "session", {"action": "status"}))["id"]
    # The first process has exited; a person steps in.
    project.cli("intervene", "TASK-001", "--message", "Use PostgreSQL, not SQLite")
    shown = project.cli("next").stdout
    assert "TASK-001" in shown and "unfinished" in shown and "write POST /orders" in shown

    async with project.agent() as second:
        package = await call(second, "resume")
        again = await call(second, "task_list", {"mine": True})
    assert package["kind"] == "unfinished" and package["task"]["id"] == "TASK-001"
    assert package["claimed"] is True
    assert "write POST /orders" in package["instruction"]
    assert f"unfinished: {who} ended" in package["instruction"]
    assert [m["text"] for m in package["messages"]] == ["Use PostgreSQL, not SQLite"]
    # Delivered once: the next reply carries no message block.
    assert "Use PostgreSQL" not in str(again)


async def test_blocked_moves_are_refused_naming_the_blockers(project: Project) -> None:
    project.cli("task", "add", "Schema")
    project.cli("task", "add", "API", "--depends-on", "TASK-001")
    for verb in ("start", "done"):
        refused = project.cli("task", verb, "TASK-002", code=1).stderr
        assert "TASK-001 (TODO)" in refused and "a bug" not in refused
    shown = project.cli("task", "show", "TASK-002", "--json")
    assert '"status": "TODO"' in shown.stdout
    async with project.agent() as agent:
        said = await error(agent, "task_update", {"taskId": "TASK-002", "status": "DONE"})
        assert "TASK-001 (TODO)" in said
        said = await error(agent, "task_complete", {"taskId": "TASK-002"})
        assert "TASK-001 (TODO)" in said
    usage = project.cli("task", "done", "TASK-002", "--force", code=2).stderr
    assert "--reason" in usage
    project.cli("task", "done", "TASK-002", "--force", "--reason", "shipped by hand")
    events = project.cli("events", "--json").stdout
    assert "shipped by hand" in events


async def test_no_epic_is_handed_out(project: Project) -> None:
    project.cli("task", "add", "Checkout", "-t", "EPIC")
    project.cli("task", "add", "Cart", "--parent", "TASK-001")
    async with project.agent() as agent:
        package = await call(agent, "resume")
        assert package["task"]["id"] == "TASK-002"
        refused = await error(agent, "task_update", {"taskId": "TASK-001", "status": "DONE"})
        assert "TASK-002" in refused  # the epic is done when its children are


async def test_a_second_claim_and_foreign_writes_are_refused(project: Project) -> None:
    project.cli("task", "add", "One", "-c", "a", "-c", "b")
    project.cli("task", "add", "Two")
    async with project.agent() as a, project.agent() as b:
        held = await call(a, "resume")
        assert held["task"]["id"] == "TASK-001"
        again = await call(a, "task_next")
        assert again["kind"] == "held" and again["task"]["id"] == "TASK-001"
        assert "another=true" in again["hint"]
        holder = (await call(a, "session", {"action": "status"}))["id"]
        for tool, args in (
            ("task_update", {"taskId": "TASK-001", "checkpointsDone": [1]}),
            ("task_update", {"taskId": "TASK-001", "status": "IN_REVIEW"}),
            ("context_save", {"context": {"notes": "mine"}, "taskId": "TASK-001"}),
            ("task_complete", {"taskId": "TASK-001"}),
        ):
            said = await error(b, tool, args)
            assert f"held by session {holder}" in said, (tool, said)
        # A person may act on it; the holder reads so at its next step.
        project.cli("checkpoint", "done", "TASK-001", "1")
        nxt = await a.call_tool("task_get", {"taskId": "TASK-001"})
        told = " ".join(c.text for c in nxt.content if c.type == "text")
        assert "checkpoint done: a" in told
