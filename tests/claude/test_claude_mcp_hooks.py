"""The per-prompt and per-tool hooks as Claude Code runs them: `mcp_tool` hooks answered
by the session's own `orchestron-mcp`, driven through the real CLI.

The no-login run (`claude -p` stops at "Not logged in") covers UserPromptSubmit;
PreToolUse needs a model that calls tools, so those runs talk to a fake Messages
API (`FakeMessagesApi`) that asks for an Edit, then a Read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from claude_support import REPO, Claude, FakeMessagesApi, Project

from orchestron.core import Orchestron

pytestmark = pytest.mark.slow

CALLED = "Hooks: mcp_tool calling orchestron/hook with 2 arg(s)"


async def _task_in_progress(orch: Orchestron) -> None:
    """TASK-001 in progress for claude-1, from an earlier session."""
    task = await orch.create_task("Build the login API")
    me = orch.acting_as("claude-1")
    earlier = await me.start_session("claude-1")
    await me.claim(task.id, earlier.id)
    await me.end_session(earlier.id)


def test_an_intervention_reaches_the_next_prompt_through_the_mcp_tool_hook_once(
    claude: Claude,
) -> None:
    claude.project.act(_task_in_progress)
    first = claude.prompt("carry on")  # the SessionStart hook takes the task over
    claude.wait_ended(first)
    claude.orchestron("intervene", "TASK-001", "--message", "Use PostgreSQL instead")
    debug = claude.home / "debug.log"
    second = claude.prompt("carry on", "--debug-file", str(debug))
    log = debug.read_text()
    assert CALLED in log
    assert "Hook UserPromptSubmit (orchestron/hook) provided additionalContext" in log
    assert 'tool "hook" is kept from the model' in log  # its _meta.ui.visibility: ["app"]
    offered = [
        name
        for entry in claude.transcript(second)
        for name in (entry.get("attachment") or {}).get("addedNames") or []
    ]
    assert "mcp__orchestron__task_update" in offered and "mcp__orchestron__hook" not in offered
    assert not re.search(r"Hooks: UserPromptSubmit\S* \[orchestron hook", log)  # no command ran
    assert "Use PostgreSQL instead" in claude.hook_output(second, "UserPromptSubmit")
    messages = claude.project.act(lambda o: o.messages_for("TASK-001"))
    assert [(m.delivered_to, m.delivered_via) for m in messages] == [(second, "hook")]
    claude.wait_ended(second)
    third = claude.prompt("carry on")
    assert "Use PostgreSQL instead" not in claude.hook_output(third, "UserPromptSubmit")
    assert "Use PostgreSQL instead" not in claude.hook_output(third, "SessionStart")


def test_with_the_plugin_alone_its_own_server_answers(tmp_path: Path, project: Project) -> None:
    """The plugin's mcp_tool hooks name its server as Claude Code names it:
    `plugin:orchestron:orchestron`."""
    home = tmp_path / "home"
    home.mkdir()
    claude = Claude(home, project)
    project.act(_task_in_progress)
    plugin = ["--plugin-dir", str(REPO / "claude-plugin" / "orchestron")]
    first = claude.prompt("carry on", *plugin)
    claude.wait_ended(first)
    claude.orchestron("intervene", "TASK-001", "--message", "Use PostgreSQL instead")
    debug = home / "debug.log"
    second = claude.prompt("carry on", *plugin, "--debug-file", str(debug))
    assert "Hooks: mcp_tool calling plugin:orchestron:orchestron/hook" in debug.read_text()
    assert "Use PostgreSQL instead" in claude.hook_output(second, "UserPromptSubmit")


def _broken_server(claude: Claude) -> None:
    mcp = claude.project.root / ".mcp.json"
    data = json.loads(mcp.read_text())
    data["mcpServers"]["orchestron"]["command"] = "orchestron-mcp-not-installed"
    mcp.write_text(json.dumps(data))


def test_the_prompt_goes_on_when_the_server_is_not_up(claude: Claude) -> None:
    claude.project.act(_task_in_progress)
    claude.orchestron("intervene", "TASK-001", "--message", "Use PostgreSQL instead")
    _broken_server(claude)
    debug = claude.home / "debug.log"
    session = claude.prompt("carry on", "--debug-file", str(debug))  # reached the model
    log = debug.read_text()
    assert "Hooks: mcp_tool hook skipped — MCP server 'orchestron' not connected" in log
    assert "API error" in log  # the prompt went on to the model (which needs a login here)
    assert "Use PostgreSQL instead" not in claude.hook_output(session, "UserPromptSubmit")
    # The message waits for the next hook or tool reply that can take it.
    messages = claude.project.act(lambda o: o.messages_for("TASK-001"))
    assert [m.delivered_at for m in messages if m.text == "Use PostgreSQL instead"] == [None]


def test_setups_on_failure_choice_is_what_lets_the_prompt_go_on(claude: Claude) -> None:
    """Pinned: with `onFailure: block` the same broken server stops the prompt."""
    _broken_server(claude)
    settings = claude.project.root / ".claude" / "settings.json"
    data = json.loads(settings.read_text())
    [entry] = data["hooks"]["UserPromptSubmit"][0]["hooks"]
    assert entry["onFailure"] == "continue"
    entry["onFailure"] = "block"
    settings.write_text(json.dumps(data))
    debug = claude.home / "debug.log"
    done = claude.run("-p", "carry on", "--output-format", "json", "--debug-file", str(debug))
    assert "Not logged in" not in done.stdout
    assert "API error" not in debug.read_text()


@pytest.fixture
def model(claude: Claude) -> Iterator[FakeMessagesApi]:
    """A model that edits notes.txt, then reads it."""
    notes = claude.project.root / "notes.txt"
    notes.write_text("hello\n")
    api = FakeMessagesApi(
        [
            [
                {
                    "type": "tool_use",
                    "name": "Edit",
                    "input": {"file_path": str(notes), "old_string": "hello", "new_string": "bye"},
                }
            ],
            [{"type": "tool_use", "name": "Read", "input": {"file_path": str(notes)}}],
            [{"type": "text", "text": "Finished."}],
        ]
    )
    claude.env.update(api.env())
    yield api
    api.close()


def _tool_results(api: FakeMessagesApi) -> dict[str, dict[str, Any]]:
    """The last request's tool results, by the tool that was called."""
    names: dict[str, str] = {}
    results: dict[str, dict[str, Any]] = {}
    for message in api.requests[-1]["messages"]:
        for block in message["content"] if isinstance(message["content"], list) else []:
            if block.get("type") == "tool_use":
                names[block["id"]] = block["name"]
            elif block.get("type") == "tool_result":
                results[names[block["tool_use_id"]]] = block
    return results


def _paused(orch: Orchestron) -> Any:
    async def go() -> None:
        await orch.pause("TASK-001", "Wait for the design review")

    return go()


def test_pre_tool_use_on_a_paused_task_denies_edit_with_the_reason_and_allows_read(
    claude: Claude, model: FakeMessagesApi
) -> None:
    claude.project.act(_task_in_progress)
    edits = ("--permission-mode", "acceptEdits")  # what a person allowed: edits go ahead
    first = claude.run("-p", "carry on", "--output-format", "json", *edits, timeout=120)
    assert first.returncode == 0, first.stdout + first.stderr
    session = json.loads(first.stdout)["session_id"]
    assert (claude.project.root / "notes.txt").read_text() == "bye\n"  # not paused: it edits
    claude.wait_ended(session)
    (claude.project.root / "notes.txt").write_text("hello\n")
    claude.project.act(_paused)
    model.requests.clear()
    debug = claude.home / "debug.log"
    done = claude.run(
        "-p", "carry on", "--output-format", "json", *edits, "--debug-file", str(debug), timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (claude.project.root / "notes.txt").read_text() == "hello\n"
    results = _tool_results(model)
    denied = results["Edit"]
    assert denied.get("is_error") is True
    said = json.dumps(denied["content"], ensure_ascii=False)
    assert "TASK-001" in said and "paused by human:ann" in said
    assert "Wait for the design review" in said
    assert "hello" in json.dumps(results["Read"]["content"]) and not results["Read"].get("is_error")
    log = debug.read_text()
    assert "Hooks: mcp_tool calling orchestron/hook with 3 arg(s)" in log
