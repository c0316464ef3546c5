"""`orchestron setup claude`: the project's `.mcp.json` and `.claude/settings.json` hooks.

Merging, never overwriting: every server, hook and setting the user already
had stays as it was. Ours are recognised by what they run (`orchestron-mcp`,
`orchestron hook EVENT`), so `--remove` takes out exactly those and running
setup twice changes nothing. A file that is not valid JSON is refused with its
name and the place of the mistake, before anything is written.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "HOOK_TIMEOUTS",
    "SERVER_NAME",
    "ClaudeSetup",
    "SetupError",
    "Status",
    "find_root",
    "is_our_hook",
]

SERVER_NAME = "orchestron"
# Seconds Claude Code lets each hook run. The per-prompt ones take well under
# 0.2 s; the rare ones open the core and may wait on another process's lock.
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

_OUR_HOOK = re.compile(r"(?:^|[\s/\\'\"])orchestron(?:\.exe)?['\"]?\s+hook\s+([A-Za-z_-]+)")


class SetupError(Exception):
    """A file we must merge into is not what Claude Code reads; nothing was written."""


def is_our_hook(command: object) -> str | None:
    """The event an `orchestron hook EVENT` command runs, or None if it is not ours."""
    if not isinstance(command, str):
        return None
    found = _OUR_HOOK.search(command)
    return found.group(1) if found else None


def _is_our_server(entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    command = entry.get("command")
    return isinstance(command, str) and os.path.basename(command).startswith("orchestron-mcp")


def find_root(start: Path | None = None) -> Path:
    """The folder holding the nearest `.orchestron/` (where Claude Code should run), else `start`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".orchestron").is_dir():
            return folder
    return here


def _command_for(name: str) -> str:
    """`name` when it is on PATH, else the full path next to this Python, else `name`."""
    if shutil.which(name):
        return name
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


class Status:
    """What `--check` found: lines to print, and whether everything is in place."""

    def __init__(self) -> None:
        self.lines: list[tuple[bool, str]] = []

    @property
    def ok(self) -> bool:
        return all(good for good, _ in self.lines)

    def add(self, good: bool, text: str) -> None:
        self.lines.append((good, text))


class ClaudeSetup:
    """The set-up for one project folder."""

    def __init__(
        self,
        root: Path,
        *,
        hook_command: str | None = None,
        server_command: str | None = None,
        db: str | None = None,
    ) -> None:
        self.root = root
        self.hook_command = hook_command or _command_for("orchestron")
        self.server_command = server_command or _command_for("orchestron-mcp")
        self.db = db

    @property
    def mcp_path(self) -> Path:
        return self.root / MCP_FILE

    @property
    def settings_path(self) -> Path:
        return self.root / SETTINGS_FILE

    def hook_line(self, event: str) -> str:
        line = f"{shlex.quote(self.hook_command)} hook {event}"
        return f"ORCHESTRON_DB={shlex.quote(self.db)} {line}" if self.db else line

    def server_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"command": self.server_command, "args": []}
        if self.db:
            entry["env"] = {"ORCHESTRON_DB": self.db}
        return entry

    # -- the three actions -------------------------------------------------------------------

    def install(self) -> list[str]:
        """Add what is missing; returns one line per file saying what changed.

        Both documents are merged in memory first, so a problem in either
        one stops everything before a file is written.
        """
        mcp, settings = self._load_both()
        report = []
        writes: list[tuple[Path, dict[str, Any]]] = []
        servers = _table(mcp, "mcpServers", self.mcp_path)
        if SERVER_NAME in servers:
            kept = "" if _is_our_server(servers[SERVER_NAME]) else " (yours, kept as it is)"
            report.append(f'{MCP_FILE}: server "{SERVER_NAME}" already there{kept}')
        else:
            servers[SERVER_NAME] = self.server_entry()
            writes.append((self.mcp_path, mcp))
            report.append(f'{MCP_FILE}: added server "{SERVER_NAME}" ({self.server_command})')
        hooks = _table(settings, "hooks", self.settings_path)
        present = self._our_events(hooks)
        added = []
        for event, timeout in HOOK_TIMEOUTS.items():
            if event in present:
                continue
            entry = {"type": "command", "command": self.hook_line(event), "timeout": timeout}
            _list(hooks, event, self.settings_path).append({"hooks": [entry]})
            added.append(event)
        if added:
            writes.append((self.settings_path, settings))
            report.append(f"{SETTINGS_FILE}: added hooks {', '.join(added)}")
        else:
            report.append(f"{SETTINGS_FILE}: the Orchestron hooks are already there")
        for path, document in writes:
            self._write(path, document)
        return report

    def check(self) -> Status:
        """What is in place and what is missing; changes nothing."""
        status = Status()
        mcp, settings = self._load_both()
        servers = _table(dict(mcp), "mcpServers", self.mcp_path)
        entry = servers.get(SERVER_NAME)
        if entry is None:
            status.add(False, f'{MCP_FILE}: no "{SERVER_NAME}" server')
        else:
            runs = entry.get("command") if isinstance(entry, dict) else None
            status.add(True, f'{MCP_FILE}: server "{SERVER_NAME}" runs {runs}')
        hooks = _table(dict(settings), "hooks", self.settings_path)
        present = self._our_events(hooks)
        missing = [e for e in HOOK_TIMEOUTS if e not in present]
        if present:
            status.add(not missing, f"{SETTINGS_FILE}: hooks {', '.join(sorted(present))}")
        if missing:
            status.add(False, f"{SETTINGS_FILE}: missing hooks {', '.join(missing)}")
        for name in ("orchestron", "orchestron-mcp"):
            found = shutil.which(name)
            status.add(bool(found), f"{name}: {found}" if found else f"{name}: not on PATH")
        project = self.root / ".orchestron"
        status.add(
            project.is_dir() or bool(self.db),
            f"project: {project}" if project.is_dir() else "project: none here (orchestron init)",
        )
        from orchestron.cli._hook_config import load_settings

        config = project / "config.toml"
        for problem in load_settings(str(config) if config.is_file() else "").problems:
            status.add(False, f"{config}: {problem}")
        return status

    def remove(self) -> list[str]:
        """Take out only what setup adds: our server and our hooks."""
        mcp, settings = self._load_both()
        report = []
        servers = mcp.get("mcpServers")
        if isinstance(servers, dict) and _is_our_server(servers.get(SERVER_NAME)):
            del servers[SERVER_NAME]
            self._write(self.mcp_path, mcp, drop_if_empty=("mcpServers",))
            report.append(f'{MCP_FILE}: removed server "{SERVER_NAME}"')
        hooks = settings.get("hooks")
        removed: list[str] = []
        if isinstance(hooks, dict):
            for event in list(hooks):
                groups = hooks[event]
                if not isinstance(groups, list):
                    continue
                kept_groups = []
                for group in groups:
                    inner = group.get("hooks") if isinstance(group, dict) else None
                    if not isinstance(inner, list):
                        kept_groups.append(group)
                        continue
                    kept = [h for h in inner if not _our_entry(h)]
                    if len(kept) != len(inner):
                        removed.append(event)
                    if kept:
                        kept_groups.append({**group, "hooks": kept})
                if kept_groups:
                    hooks[event] = kept_groups
                else:
                    del hooks[event]
        if removed:
            self._write(self.settings_path, settings, drop_if_empty=("hooks",))
            order = list(HOOK_TIMEOUTS)
            named = sorted(set(removed), key=lambda e: order.index(e) if e in order else len(order))
            report.append(f"{SETTINGS_FILE}: removed hooks {', '.join(named)}")
        return report or ["nothing of Orchestron's was set up here; nothing changed"]

    # -- files -------------------------------------------------------------------------------

    def _load_both(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Both documents, checked before either is written."""
        return _read_json(self.mcp_path), _read_json(self.settings_path)

    def _our_events(self, hooks: dict[str, Any]) -> set[str]:
        found = set()
        for event, groups in hooks.items():
            for entry in _entries(groups):
                if is_our_hook(entry.get("command")) == event:
                    found.add(event)
        return found

    def _write(
        self, path: Path, document: dict[str, Any], *, drop_if_empty: tuple[str, ...] = ()
    ) -> None:
        for key in drop_if_empty:
            if document.get(key) == {}:
                del document[key]
        if not document and drop_if_empty:
            path.unlink(missing_ok=True)
            return
        from orchestron.runtime import write_file

        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _our_entry(entry: object) -> bool:
    return isinstance(entry, dict) and is_our_hook(entry.get("command")) is not None


def _entries(groups: object) -> Iterator[dict[str, Any]]:
    if not isinstance(groups, list):
        return
    for group in groups:
        inner = group.get("hooks") if isinstance(group, dict) else None
        if isinstance(inner, list):
            yield from (h for h in inner if isinstance(h, dict))


def _read_json(path: Path) -> dict[str, Any]:
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


def _table(document: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = document.setdefault(key, {})
    if not isinstance(value, dict):
        raise SetupError(f'{path}: "{key}" must be an object; nothing was changed')
    return value


def _list(table: dict[str, Any], key: str, path: Path) -> list[Any]:
    value = table.setdefault(key, [])
    if not isinstance(value, list):
        raise SetupError(f'{path}: "hooks.{key}" must be a list; nothing was changed')
    return value
