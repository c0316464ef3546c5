"""The files `orchestron setup claude` reads and writes, and what Claude Code has enabled.

JSON documents are read strictly (a file Claude Code could not read either is
refused with its name and the place of the mistake) and written whole, through
a temporary file. `.claude/settings.local.json` is this machine's: git must
ignore it, so setup checks, and adds a rule when git would offer it.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from orchestron.cli._hook_once import is_our_hook

__all__ = [
    "COMMANDS",
    "HOOK_TIMEOUTS",
    "LOCAL_FILE",
    "MCP_FILE",
    "SERVER_NAME",
    "SETTINGS_FILE",
    "SetupError",
    "command_advice",
    "enabled_plugin",
    "ensure_git_ignores",
    "entries",
    "entry_event",
    "git_state",
    "hook_entry",
    "is_our_server",
    "list_in",
    "our_events",
    "read_json",
    "table_in",
    "write_json",
]

PLUGIN = "orchestron"
SERVER_NAME = "orchestron"
HOOK_TOOL = "hook"
"""The `orchestron-mcp` tool Claude Code's `mcp_tool` hooks call."""
COMMANDS = ("orchestron", "orchestron-mcp")
# Seconds Claude Code lets each hook run. The per-prompt ones are answered in
# milliseconds by the session's own server; the rare ones start the core and may
# wait on another process's lock.
HOOK_TIMEOUTS: dict[str, int] = {
    "SessionStart": 30,
    "UserPromptSubmit": 10,
    "PreToolUse": 10,
    "PostToolUse": 10,
    "PreCompact": 30,
    "SessionEnd": 30,
}
MCP_FILE = ".mcp.json"
SETTINGS_FILE = os.path.join(".claude", "settings.json")
LOCAL_FILE = os.path.join(".claude", "settings.local.json")


class SetupError(Exception):
    """A file we must merge into is not what Claude Code reads; nothing was written."""


def read_json(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SetupError(f"{path}: cannot be read ({exc}); nothing was changed") from exc
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SetupError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "fix or move the file, then run setup again; nothing was changed"
        ) from None
    if not isinstance(data, dict):
        raise SetupError(f"{path}: must hold a JSON object {{...}}; nothing was changed")
    return data


def table_in(document: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = document.setdefault(key, {})
    if not isinstance(value, dict):
        raise SetupError(f'{path}: "{key}" must be an object; nothing was changed')
    return value


def list_in(table: dict[str, Any], key: str, path: Path) -> list[Any]:
    value = table.setdefault(key, [])
    if not isinstance(value, list):
        raise SetupError(f'{path}: "hooks.{key}" must be a list; nothing was changed')
    return value


def write_json(
    path: Path, document: dict[str, Any], *, drop_if_empty: tuple[str, ...] = ()
) -> None:
    """Write `document` whole; with `drop_if_empty`, empty tables go, and an empty file too."""
    for key in drop_if_empty:
        if document.get(key) == {}:
            del document[key]
    if not document and drop_if_empty:
        path.unlink(missing_ok=True)
        return
    from orchestron.runtime import write_file

    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def enabled_plugin(root: Path, environ: Mapping[str, str]) -> tuple[str, Path] | None:
    """The Orchestron plugin, when Claude Code has it enabled for `root`: its key
    (`orchestron@MARKETPLACE`) and the settings file that enables it.

    Claude Code reads `enabledPlugins` from the user's settings, then the
    project's, then the project's local file; a later one overrides.
    """
    home = environ.get("HOME") or str(Path.home())
    config = Path(environ.get("CLAUDE_CONFIG_DIR") or Path(home) / ".claude")
    files = (
        config / "settings.json",
        root / ".claude" / "settings.json",
        root / ".claude" / "settings.local.json",
    )
    state: dict[str, tuple[bool, Path]] = {}
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        plugins = data.get("enabledPlugins") if isinstance(data, dict) else None
        if not isinstance(plugins, dict):
            continue
        for key, value in plugins.items():
            if isinstance(key, str) and key.split("@", 1)[0] == PLUGIN:
                state[key] = (value is True, path)
    for key, (enabled, path) in state.items():
        if enabled:
            return key, path
    return None


def git_state(root: Path, path: Path) -> str:
    """How git sees `path`: "ignored", "tracked", "offered" (it would be added), or
    "" (no repository, or no git to ask)."""

    def git(*args: str) -> int:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, check=False, timeout=30
        )
        return done.returncode

    try:
        if git("rev-parse", "--is-inside-work-tree") != 0:
            return ""
        if git("ls-files", "--error-unmatch", "--", str(path)) == 0:
            return "tracked"
        return (
            "ignored"
            if git("check-ignore", "-q", "--no-index", "--", str(path)) == 0
            else ("offered")
        )
    except (OSError, subprocess.SubprocessError):
        return ""


def ensure_git_ignores(root: Path, path: Path) -> str | None:
    """Add `path` to the `.gitignore` beside it when git would offer it; the report line."""
    if git_state(root, path) != "offered":
        return None
    ignore = path.parent / ".gitignore"
    text = ignore.read_text(encoding="utf-8") if ignore.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    ignore.write_text(text + f"{path.name}\n", encoding="utf-8")
    return (
        f"{ignore.relative_to(root)}: added {path.name}, so git leaves this machine's settings out"
    )


def hook_entry(event: str, server: str = SERVER_NAME) -> dict[str, Any]:
    """Our hook for `event`: an `mcp_tool` hook on the session's server for the
    per-prompt and per-tool events, `orchestron hook EVENT` for the others.

    `onFailure: continue`: when the server is not connected (yet), the prompt or
    the tool goes on; the messages wait for the next hook or tool reply.
    """
    from orchestron.runtime import PER_CALL_EVENTS

    timeout = HOOK_TIMEOUTS[event]
    if event not in PER_CALL_EVENTS:
        return {"type": "command", "command": f"orchestron hook {event}", "timeout": timeout}
    arguments = {"event": event, "session_id": "${session_id}"}
    if event == "PreToolUse":
        arguments["tool_name"] = "${tool_name}"
    return {
        "type": "mcp_tool",
        "server": server,
        "tool": HOOK_TOOL,
        "input": arguments,
        "timeout": timeout,
        "onFailure": "continue",
    }


def entry_event(entry: Mapping[str, Any]) -> str | None:
    """The event one of our hook entries serves (a command or an `mcp_tool` hook on
    our server, or the plugin's); None for anyone else's."""
    if entry.get("type") == "mcp_tool":
        server, arguments = entry.get("server"), entry.get("input")
        ours = isinstance(server, str) and server.rsplit(":", 1)[-1] == SERVER_NAME
        if ours and entry.get("tool") == HOOK_TOOL and isinstance(arguments, dict):
            event = arguments.get("event")
            return event if isinstance(event, str) else None
        return None
    return is_our_hook(entry.get("command"))


def is_our_server(entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    command = entry.get("command")
    return isinstance(command, str) and os.path.basename(command).startswith("orchestron-mcp")


def our_events(hooks: dict[str, Any]) -> set[str]:
    return {
        event
        for event, groups in hooks.items()
        for entry in entries(groups)
        if entry_event(entry) == event
    }


def entries(groups: object) -> Iterator[dict[str, Any]]:
    if not isinstance(groups, list):
        return
    for group in groups:
        inner = group.get("hooks") if isinstance(group, dict) else None
        if isinstance(inner, list):
            yield from (h for h in inner if isinstance(h, dict))


def command_advice(name: str, bin_dir: Path) -> str:
    """What to do about a command Claude Code cannot find on PATH: point it at the
    one beside this Python, or install it (in the words that work from here)."""
    beside = bin_dir / name
    if beside.exists():
        return (
            f"{name}: not on PATH (it is at {beside}): `orchestron setup claude` points "
            "Claude Code there for this machine, or put it on PATH (docs/install.md)"
        )
    from orchestron.runtime import install_hint

    package = "orchestron-cli" if name == "orchestron" else name
    return f"{name}: not installed; {install_hint(package)}"
