"""The integration driven through the real Claude Code CLI (no login needed).

With HOME pointed at a temporary folder, `claude -p` in a project runs the
SessionStart and UserPromptSubmit hooks, starts the project's MCP servers,
then stops at "Not logged in"; its transcript records each hook's output as
the model would read it. `.ci/run` installs the pinned version and sets
ORCHESTRON_CLAUDE_BIN; elsewhere these tests skip (in CI they fail instead).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from claude_support import BIN_DIR, REPO, Claude, Project, claude_bin

from orchestron.core import Orchestron

pytestmark = pytest.mark.slow


async def _task_in_progress(orch: Orchestron) -> None:
    """TASK-001 in progress for claude-1, from an earlier session, with a saved context."""
    task = await orch.create_task("Build the login API")
    me = orch.acting_as("claude-1")
    earlier = await me.start_session("claude-1")
    await me.claim(task.id, earlier.id)
    await me.save_context(
        earlier.id,
        {"next_steps": ["write the password hashing", "add the rate limit"]},
    )
    await me.end_session(earlier.id)


def test_setup_writes_what_claude_code_reads(claude: Claude) -> None:
    root = claude.project.root
    assert json.loads((root / ".mcp.json").read_text())["mcpServers"]["orchestron"]
    check = claude.orchestron("setup", "claude", "--check")  # exits 0, or this fails
    assert "missing" not in check and "problem" not in check


def test_setup_leaves_no_absolute_path_in_the_files_a_team_commits(claude: Claude) -> None:
    root = claude.project.root
    for name in (".mcp.json", ".claude/settings.json"):
        text = (root / name).read_text()
        assert not re.search(r'"(/|[A-Za-z]:\\\\)', text), (name, text)
        assert str(BIN_DIR) not in text and str(root) not in text
    server = json.loads((root / ".mcp.json").read_text())["mcpServers"]["orchestron"]
    assert server == {"command": "orchestron-mcp", "args": []}


def test_session_start_gives_the_task_and_its_next_steps(claude: Claude) -> None:
    claude.project.act(_task_in_progress)
    session = claude.prompt("carry on")
    said = claude.hook_output(session, "SessionStart")
    assert "TASK-001" in said
    assert "write the password hashing; add the rate limit" in said
    assert claude.hook_output(session, "UserPromptSubmit") == ""


def test_an_intervention_reaches_the_next_prompt_once(claude: Claude) -> None:
    claude.project.act(_task_in_progress)
    first = claude.prompt("carry on")
    claude.wait_ended(first)
    claude.orchestron("intervene", "TASK-001", "--message", "Use PostgreSQL instead")
    second = claude.prompt("carry on")
    assert "Use PostgreSQL instead" in claude.hook_output(second, "UserPromptSubmit")
    assert "Use PostgreSQL instead" not in claude.hook_output(second, "SessionStart")
    claude.wait_ended(second)
    third = claude.prompt("carry on")
    assert "Use PostgreSQL instead" not in claude.hook_output(third, "UserPromptSubmit")
    assert "Use PostgreSQL instead" not in claude.hook_output(third, "SessionStart")


def test_with_nothing_to_say_the_prompt_hook_prints_nothing(claude: Claude) -> None:
    session = claude.prompt("hello")
    assert claude.hook_output(session, "UserPromptSubmit") == ""
    ran = [
        e
        for e in claude.transcript(session)
        if (e.get("attachment") or {}).get("hookEvent") == "SessionStart"
    ]
    assert ran, "the SessionStart hook did not run: is setup's hook in place?"


def test_claude_mcp_list_shows_orchestron_connected(claude: Claude) -> None:
    claude.trust()
    done = claude.run("mcp", "list", timeout=120)
    line = next((x for x in done.stdout.splitlines() if x.startswith("orchestron")), "")
    assert "Connected" in line, done.stdout + done.stderr


@pytest.mark.parametrize("folder", ["claude-plugin", "claude-plugin/orchestron"])
def test_the_plugin_and_its_marketplace_validate(tmp_path: Path, folder: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAUDE")}
    env["HOME"] = str(tmp_path)
    done = subprocess.run(
        [claude_bin(), "plugin", "validate", "--strict", str(REPO / folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation passed" in done.stdout
    assert "error" not in done.stdout.lower()


def _ran(claude: Claude, session: str, event: str) -> list[dict[str, Any]]:
    return [
        e
        for e in claude.transcript(session)
        if (e.get("attachment") or {}).get("type") == "hook_success"
        and (e.get("attachment") or {}).get("hookEvent") == event
    ]


def test_plugin_and_setup_together_do_each_hooks_work_once(claude: Claude) -> None:
    """The plugin loaded beside the project's own set-up: Claude Code runs both
    copies of every hook, and keeps only the project's MCP server."""
    claude.project.act(_task_in_progress)
    plugin = ["--plugin-dir", str(REPO / "claude-plugin" / "orchestron")]
    debug = claude.home / "debug.log"
    first = claude.prompt("carry on", *plugin, "--debug-file", str(debug))
    starts = [e["attachment"].get("stdout") or "" for e in _ran(claude, first, "SessionStart")]
    assert len(starts) == 2, "both copies of the SessionStart hook ran"
    assert sum("TASK-001" in out for out in starts) == 1, starts
    log = debug.read_text()
    assert 'Suppressing plugin MCP server "plugin:orchestron:orchestron"' in log
    claude.wait_ended(first)
    assert len(claude.project.act(lambda o: o.list_handoffs(pending_only=True))) == 1
    claude.orchestron("intervene", "TASK-001", "--message", "Use PostgreSQL instead")
    second = claude.prompt("carry on", *plugin)
    prompts = claude.hook_output(second, "UserPromptSubmit")  # every copy's, either kind
    assert prompts.count("Use PostgreSQL instead") == 1, prompts


def test_hooks_in_user_and_project_settings_do_their_work_once(claude: Claude) -> None:
    """The user's own settings run the hooks by full path (as an older setup wrote
    them), the project's by name: Claude Code runs both (it merges only identical
    commands), and the work is done once."""
    claude.project.act(_task_in_progress)
    user = claude.home / ".claude" / "settings.json"
    user.parent.mkdir(parents=True, exist_ok=True)
    full = str(BIN_DIR / "orchestron")
    user.write_text(
        json.dumps(
            {
                "hooks": {
                    "SessionStart": [
                        {"hooks": [{"type": "command", "command": f"{full} hook SessionStart"}]}
                    ]
                }
            }
        )
    )
    debug = claude.home / "debug.log"
    session = claude.prompt("carry on", "--debug-file", str(debug))
    ran = re.findall(r"Hooks: SessionStart:startup \[([^\]]+)\] finished", debug.read_text())
    assert sorted(ran) == sorted([f"{full} hook SessionStart", "orchestron hook SessionStart"])
    starts = [e["attachment"].get("stdout") or "" for e in _ran(claude, session, "SessionStart")]
    assert sum("TASK-001" in out for out in starts) == 1, starts


def test_with_the_plugin_installed_setup_adds_nothing_and_the_plugin_works(
    tmp_path: Path, project: Project
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    claude = Claude(home, project)
    marketplace = claude.run("plugin", "marketplace", "add", str(REPO / "claude-plugin"))
    assert marketplace.returncode == 0, marketplace.stdout + marketplace.stderr
    installed = claude.run("plugin", "install", "orchestron@orchestron")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    out = claude.orchestron("setup", "claude")
    assert "the Orchestron plugin (orchestron@orchestron" in out and "nothing added" in out
    assert not (project.root / ".mcp.json").exists()
    claude.orchestron("setup", "claude", "--check")  # exits 0: the plugin provides it all
    project.act(_task_in_progress)
    session = claude.prompt("carry on")
    starts = [e["attachment"].get("stdout") or "" for e in _ran(claude, session, "SessionStart")]
    assert sum("TASK-001" in said for said in starts) == 1, starts
