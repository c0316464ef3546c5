"""`orchestron setup claude`: merge, check, remove; never lose what the user had."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from orchestron.cli._claude_commands import setup
from orchestron.cli._claude_setup import HOOK_TIMEOUTS, ClaudeSetup, SetupError, is_our_hook


def _plan(root: Path) -> ClaudeSetup:
    return ClaudeSetup(root, hook_command="orchestron", server_command="orchestron-mcp")


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
    for event, groups in hooks.items():
        assert groups == [
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
    assert merged["hooks"]["PreToolUse"][1]["hooks"][0]["command"] == "orchestron hook PreToolUse"


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


def test_a_database_named_explicitly_goes_into_both_files(tmp_path: Path) -> None:
    plan = ClaudeSetup(
        tmp_path, hook_command="orchestron", server_command="orchestron-mcp", db="/d/my board.db"
    )
    plan.install()
    server = _read(tmp_path / ".mcp.json")["mcpServers"]["orchestron"]
    assert server["env"] == {"ORCHESTRON_DB": "/d/my board.db"}
    command = _read(tmp_path / ".claude" / "settings.json")["hooks"]["SessionEnd"][0]["hooks"][0]
    assert command["command"] == "ORCHESTRON_DB='/d/my board.db' orchestron hook SessionEnd"
    assert is_our_hook(command["command"]) == "SessionEnd"


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
