"""`orchestron setup claude`: merge, check, remove; never lose what the user had."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from orchestron.cli._claude_commands import setup
from orchestron.cli._claude_setup import HOOK_TIMEOUTS, ClaudeSetup, SetupError, is_our_hook


@pytest.fixture(autouse=True)
def _own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the real ~/.claude (a plugin enabled there would change the answers)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.delenv("ORCHESTRON_DB", raising=False)


def _plan(root: Path, **options: Any) -> ClaudeSetup:
    return ClaudeSetup(root, **options)


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _invoke(root: Path, *args: str) -> Any:
    return CliRunner().invoke(setup, ["claude", "--dir", str(root), *args])


def test_setup_writes_the_server_and_every_hook(tmp_path: Path) -> None:
    lines = _plan(tmp_path).install()
    assert lines[0] == '.mcp.json: added server "orchestron" (orchestron-mcp)'
    assert _read(tmp_path / ".mcp.json") == {
        "mcpServers": {"orchestron": {"command": "orchestron-mcp", "args": []}}
    }
    hooks = _read(tmp_path / ".claude" / "settings.json")["hooks"]
    assert list(hooks) == list(HOOK_TIMEOUTS)
    for event in ("SessionStart", "PreCompact", "SessionEnd"):
        assert hooks[event] == [
            {
                "hooks": [
                    {
                        "type": "command",
                        "command": f"orchestron hook {event}",
                        "timeout": HOOK_TIMEOUTS[event],
                    }
                ]
            }
        ]
    # The per-prompt and per-tool hooks: answered by the session's own server.
    for event, extra in (
        ("UserPromptSubmit", {}),
        ("PreToolUse", {"tool_name": "${tool_name}"}),
        ("PostToolUse", {}),
    ):
        assert hooks[event] == [
            {
                "hooks": [
                    {
                        "type": "mcp_tool",
                        "server": "orchestron",
                        "tool": "hook",
                        "input": {"event": event, "session_id": "${session_id}", **extra},
                        "timeout": HOOK_TIMEOUTS[event],
                        "onFailure": "continue",
                    }
                ]
            }
        ]


def test_setup_twice_changes_nothing(tmp_path: Path) -> None:
    _plan(tmp_path).install()
    before = [(tmp_path / f).read_bytes() for f in (".mcp.json", ".claude/settings.json")]
    lines = _plan(tmp_path).install()
    assert lines == [
        '.mcp.json: server "orchestron" already there',
        ".claude/settings.json: the Orchestron hooks are already there",
    ]
    after = [(tmp_path / f).read_bytes() for f in (".mcp.json", ".claude/settings.json")]
    assert after == before


def _users_files(root: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    mcp = {"mcpServers": {"github": {"command": "gh-mcp", "args": ["--ro"]}}, "x-note": 1}
    settings = {
        "permissions": {"allow": ["Bash(npm test)"]},
        "hooks": {
            "PreToolUse": [
                {"matcher": "Bash", "hooks": [{"type": "command", "command": "./guard.sh"}]}
            ],
            "Stop": [{"hooks": [{"type": "command", "command": "say done"}]}],
        },
        "env": {"FOO": "1"},
    }
    (root / ".claude").mkdir()
    (root / ".mcp.json").write_text(json.dumps(mcp), encoding="utf-8")
    (root / ".claude" / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    return mcp, settings


def test_setup_keeps_every_entry_the_user_had(tmp_path: Path) -> None:
    mcp, settings = _users_files(tmp_path)
    _plan(tmp_path).install()
    merged_mcp = _read(tmp_path / ".mcp.json")
    assert merged_mcp["mcpServers"]["github"] == mcp["mcpServers"]["github"]
    assert merged_mcp["x-note"] == 1
    merged = _read(tmp_path / ".claude" / "settings.json")
    assert merged["permissions"] == settings["permissions"]
    assert merged["env"] == settings["env"]
    assert merged["hooks"]["Stop"] == settings["hooks"]["Stop"]
    assert merged["hooks"]["PreToolUse"][0] == settings["hooks"]["PreToolUse"][0]
    ours = merged["hooks"]["PreToolUse"][1]["hooks"][0]
    assert (ours["type"], ours["server"], ours["tool"]) == ("mcp_tool", "orchestron", "hook")


def test_remove_takes_out_only_what_setup_added(tmp_path: Path) -> None:
    mcp, settings = _users_files(tmp_path)
    _plan(tmp_path).install()
    lines = _plan(tmp_path).remove()
    assert lines[0] == '.mcp.json: removed server "orchestron"'
    assert lines[1].startswith(".claude/settings.json: removed hooks SessionStart")
    assert _read(tmp_path / ".mcp.json") == mcp
    assert _read(tmp_path / ".claude" / "settings.json") == settings
    assert _plan(tmp_path).remove() == ["nothing of Orchestron's was set up here; nothing changed"]


def test_remove_deletes_files_that_only_held_ours(tmp_path: Path) -> None:
    _plan(tmp_path).install()
    _plan(tmp_path).remove()
    assert not (tmp_path / ".mcp.json").exists()
    assert not (tmp_path / ".claude" / "settings.json").exists()


def test_a_server_named_orchestron_that_the_user_wrote_is_left_alone(tmp_path: Path) -> None:
    mine = {"mcpServers": {"orchestron": {"command": "/opt/my-wrapper", "args": ["x"]}}}
    (tmp_path / ".mcp.json").write_text(json.dumps(mine), encoding="utf-8")
    lines = _plan(tmp_path).install()
    assert lines[0] == '.mcp.json: server "orchestron" already there (yours, kept as it is)'
    _plan(tmp_path).remove()
    assert _read(tmp_path / ".mcp.json") == mine


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (".mcp.json", '{"mcpServers": {', ".mcp.json: not valid JSON (line 1"),
        (".claude/settings.json", "{'hooks': 1}", "settings.json: not valid JSON (line 1"),
        (".claude/settings.json", "[1]", "settings.json: must hold a JSON object"),
        (".claude/settings.json", '{"hooks": []}', 'settings.json: "hooks" must be an object'),
        (
            ".claude/settings.json",
            '{"hooks": {"PreCompact": {}}}',
            'settings.json: "hooks.PreCompact" must be a list',
        ),
    ],
)
def test_malformed_json_is_refused_naming_the_file_and_nothing_is_written(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    (tmp_path / ".claude").mkdir()
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(SetupError, match="nothing was changed") as caught:
        _plan(tmp_path).install()
    assert expected in str(caught.value)
    assert str(tmp_path / name) in str(caught.value)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [Path(name).name]
    assert (tmp_path / name).read_text(encoding="utf-8") == text
    result = _invoke(tmp_path)
    assert result.exit_code == 1
    assert expected in result.output


def test_check_says_what_is_missing_then_that_all_is_in_place(tmp_path: Path) -> None:
    (tmp_path / ".orchestron").mkdir()
    result = _invoke(tmp_path, "--check")
    assert result.exit_code == 1
    assert 'missing  .mcp.json: no "orchestron" server' in result.output
    assert "missing  .claude/settings.json: missing hooks SessionStart" in result.output
    assert not (tmp_path / ".mcp.json").exists()
    assert _invoke(tmp_path).exit_code == 0
    after = _invoke(tmp_path, "--check")
    assert '.mcp.json: server "orchestron" runs' in after.output
    assert "hooks PostToolUse, PreCompact, PreToolUse, SessionEnd, SessionStart" in after.output
    assert "missing  .claude" not in after.output


def test_the_command_reports_and_removes(tmp_path: Path) -> None:
    added = _invoke(tmp_path)
    assert added.exit_code == 0, added.output
    assert "added hooks SessionStart, UserPromptSubmit" in added.output
    removed = _invoke(tmp_path, "--remove")
    assert removed.exit_code == 0
    assert "removed server" in removed.output


def test_our_hook_commands_are_recognised_in_every_form() -> None:
    assert is_our_hook("orchestron hook SessionStart") == "SessionStart"
    assert is_our_hook("/home/a/.venv/bin/orchestron hook PreToolUse") == "PreToolUse"
    assert is_our_hook("'/path with space/orchestron' hook PostToolUse") == "PostToolUse"
    assert is_our_hook("my-orchestron hook X") is None
    assert is_our_hook("orchestron-mcp") is None
    assert is_our_hook(None) is None


def test_check_reports_a_bad_hooks_setting(tmp_path: Path) -> None:
    (tmp_path / ".orchestron").mkdir()
    (tmp_path / ".orchestron" / "config.toml").write_text("[hooks]\npre_tool_use = 1\n")
    _invoke(tmp_path)
    result = _invoke(tmp_path, "--check")
    assert result.exit_code == 1
    assert "hooks.pre_tool_use must be true or false, not 1" in result.output


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def _fake_commands(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("orchestron", "orchestron-mcp"):
        (folder / name).write_text("#!/bin/sh\n", encoding="utf-8")
        (folder / name).chmod(0o755)
    return folder


def _shared_text(root: Path) -> str:
    return (root / ".mcp.json").read_text() + (root / ".claude" / "settings.json").read_text()


def test_a_named_database_goes_into_the_local_file_that_git_ignores(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    lines = _plan(root, db="/d/my board.db").install()
    assert ".claude/settings.local.json: ORCHESTRON_DB=/d/my board.db (this machine only)" in lines
    assert any(line.startswith(".claude/.gitignore: added settings.local.json") for line in lines)
    assert _read(root / ".mcp.json") == {
        "mcpServers": {"orchestron": {"command": "orchestron-mcp", "args": []}}
    }
    hooks = _read(root / ".claude" / "settings.json")["hooks"]
    assert hooks["SessionEnd"][0]["hooks"][0]["command"] == "orchestron hook SessionEnd"
    assert _read(root / ".claude" / "settings.local.json") == {
        "env": {"ORCHESTRON_DB": "/d/my board.db"}
    }
    offered = _git(root, "status", "--porcelain", "--untracked-files=all")
    assert "settings.local.json" not in offered
    assert ".claude/settings.json" in offered and ".claude/.gitignore" in offered


def test_setup_leaves_no_absolute_path_in_the_shared_files(tmp_path: Path) -> None:
    bin_dir = _fake_commands(tmp_path / "venv" / "bin")
    plan = _plan(tmp_path, environ={"PATH": "/usr/bin:/bin"}, bin_dir=bin_dir)
    lines = plan.install()
    assert str(tmp_path) not in _shared_text(tmp_path)
    local = _read(tmp_path / ".claude" / "settings.local.json")
    assert local["env"]["PATH"] == f"{bin_dir}:/usr/bin:/bin"
    assert any(f"PATH starts with {bin_dir}" in line for line in lines)
    status = plan.check()
    found = {text.split(":", 1)[0]: state for state, text in status.lines}
    assert found["orchestron"] == found["orchestron-mcp"] == "ok"
    # Once the commands are on PATH (installed as a tool, say), setup takes its PATH out again.
    tools = _fake_commands(tmp_path / "tools" / "bin")
    on_path = _plan(tmp_path, environ={"PATH": f"{tools}:/usr/bin"}, bin_dir=bin_dir)
    assert any("took out the PATH" in line for line in on_path.install())
    assert not (tmp_path / ".claude" / "settings.local.json").exists()


def test_an_older_setup_with_machine_paths_is_rewritten_by_name(tmp_path: Path) -> None:
    (tmp_path / ".claude").mkdir()
    server = {
        "command": "/home/a/.venv/bin/orchestron-mcp",
        "args": [],
        "env": {"ORCHESTRON_DB": "/d/board.db"},
    }
    (tmp_path / ".mcp.json").write_text(json.dumps({"mcpServers": {"orchestron": server}}))
    hooks = {
        event: [
            {
                "hooks": [
                    {
                        "type": "command",
                        "timeout": t,
                        "command": f"ORCHESTRON_DB=/d/board.db /home/a/.venv/bin/orchestron hook {event}",
                    }
                ]
            }
        ]
        for event, t in HOOK_TIMEOUTS.items()
    }
    (tmp_path / ".claude" / "settings.json").write_text(json.dumps({"hooks": hooks}))
    before = _invoke(tmp_path, "--check")
    assert before.exit_code == 1
    assert "holds a path of this machine (/home/a/.venv/bin/orchestron-mcp" in before.output
    assert "`orchestron setup claude` rewrites them by name" in before.output
    lines = _plan(tmp_path).install()
    assert '.mcp.json: server "orchestron" now runs orchestron-mcp by name' in lines
    assert "/home/a" not in _shared_text(tmp_path) and "/d/board.db" not in _shared_text(tmp_path)
    assert _read(tmp_path / ".claude" / "settings.local.json")["env"] == {
        "ORCHESTRON_DB": "/d/board.db"
    }
    after = _invoke(tmp_path, "--check")
    assert "holds a path" not in after.output and "hold a path" not in after.output


def test_an_older_setups_command_hooks_become_mcp_tool_hooks(tmp_path: Path) -> None:
    (tmp_path / ".claude").mkdir()
    hooks = {
        event: [
            {"hooks": [{"type": "command", "command": f"orchestron hook {event}", "timeout": t}]}
        ]
        for event, t in HOOK_TIMEOUTS.items()
    }
    (tmp_path / ".claude" / "settings.json").write_text(json.dumps({"hooks": hooks}))
    before = _invoke(tmp_path, "--check")
    assert (
        "hooks PostToolUse, PreToolUse, UserPromptSubmit are not as this version" in before.output
    )
    lines = _plan(tmp_path).install()
    assert (
        ".claude/settings.json: hooks UserPromptSubmit, PreToolUse, PostToolUse now run as "
        "this setup writes them"
    ) in lines
    after = _read(tmp_path / ".claude" / "settings.json")["hooks"]
    assert [g["hooks"][0]["type"] for g in after["UserPromptSubmit"]] == ["mcp_tool"]
    assert after["SessionStart"] == hooks["SessionStart"]
    assert "are not as this version" not in _invoke(tmp_path, "--check").output
    _plan(tmp_path).remove()
    assert not (tmp_path / ".claude" / "settings.json").exists()


def test_check_passes_right_after_setup(tmp_path: Path) -> None:
    (tmp_path / ".orchestron").mkdir()
    (tmp_path / ".orchestron" / "orchestron.db").touch()
    bin_dir = _fake_commands(tmp_path / "bin")
    plan = _plan(tmp_path, environ={"PATH": str(bin_dir), "HOME": str(tmp_path)})
    plan.install()
    status = plan.check()
    assert status.ok, status.lines
    assert ("ok", f"project: {tmp_path / '.orchestron' / 'orchestron.db'}") in status.lines


def test_check_never_sends_you_round_in_a_circle(tmp_path: Path) -> None:
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    plan = _plan(tmp_path, environ={"PATH": str(empty)}, bin_dir=empty)
    plan.install()
    status = plan.check()
    advice = {text.split(":", 1)[0]: text for state, text in status.lines if state != "ok"}
    assert "not installed; install it with" in advice["orchestron-mcp"]
    assert "setup claude" not in advice["orchestron-mcp"]
    assert "run `orchestron init` in" in advice["project"]


def test_with_the_plugin_enabled_setup_says_so_and_adds_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True, exist_ok=True)
    user = home / ".claude" / "settings.json"
    user.write_text(json.dumps({"enabledPlugins": {"orchestron@orchestron": True}}))
    result = _invoke(tmp_path)
    assert result.exit_code == 0, result.output
    assert f"the Orchestron plugin (orchestron@orchestron, enabled in {user})" in result.output
    assert "nothing added" in result.output
    assert "claude plugin disable orchestron@orchestron" in result.output
    assert not (tmp_path / ".mcp.json").exists()
    assert not (tmp_path / ".claude").exists()
    check = _invoke(tmp_path, "--check")
    assert "ok       plugin: orchestron@orchestron is enabled" in check.output
    assert "the plugin starts its own" in check.output and "the plugin's run" in check.output
    # The project turns it off for itself: then setup writes its own.
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude" / "settings.json").write_text(
        json.dumps({"enabledPlugins": {"orchestron@orchestron": False}})
    )
    assert '.mcp.json: added server "orchestron"' in _invoke(tmp_path).output


def test_with_setup_in_place_and_the_plugin_enabled_too_both_are_named(tmp_path: Path) -> None:
    _plan(tmp_path).install()
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True, exist_ok=True)
    (home / ".claude" / "settings.json").write_text(
        json.dumps({"enabledPlugins": {"orchestron@orchestron": True}})
    )
    lines = _plan(tmp_path).install()
    assert any("the plugin orchestron@orchestron is enabled too" in line for line in lines)
    assert '.mcp.json: server "orchestron" already there' in lines


def test_remove_takes_this_machines_settings_out_too(tmp_path: Path) -> None:
    local = tmp_path / ".claude" / "settings.local.json"
    _plan(tmp_path, db="/d/x.db").install()
    data = _read(local)
    data["env"]["MINE"] = "1"
    local.write_text(json.dumps(data))
    lines = _plan(tmp_path).remove()
    assert ".claude/settings.local.json: removed ORCHESTRON_DB" in lines
    assert _read(local) == {"env": {"MINE": "1"}}
