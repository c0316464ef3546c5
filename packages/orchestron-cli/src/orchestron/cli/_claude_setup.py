"""`orchestron setup claude`: the project's `.mcp.json`, its `.claude/settings.json`
hooks, and this machine's `.claude/settings.local.json`.

The two shared files name the commands (`orchestron-mcp`, `orchestron hook
EVENT`; the per-prompt and per-tool hooks are `mcp_tool` hooks on the
`orchestron` server) and hold no machine path, so a team commits them; whatever belongs to
one machine (an explicit database, a PATH to commands that are not on it) goes
into `.claude/settings.local.json`, which Claude Code reads beside the shared
one and git is made to ignore.

Merging, never overwriting: every server, hook and setting the user already
had stays as it was. Ours are recognised by what they run, so `--remove` takes
out exactly those and running setup twice changes nothing (an entry an older
setup wrote with a machine path is rewritten by name). A file that is not
valid JSON is refused with its name and the place of the mistake, before
anything is written. With the Orchestron plugin enabled, setup adds nothing.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from orchestron.cli._claude_check import Status
from orchestron.cli._claude_files import (
    COMMANDS,
    HOOK_TIMEOUTS,
    LOCAL_FILE,
    MCP_FILE,
    SERVER_NAME,
    SETTINGS_FILE,
    SetupError,
    command_advice,
    enabled_plugin,
    ensure_git_ignores,
    entries,
    entry_event,
    hook_entry,
    is_our_server,
    list_in,
    our_events,
    read_json,
    table_in,
    write_json,
)
from orchestron.cli._hook_once import is_our_hook  # re-exported for the setup command

__all__ = [
    "COMMANDS",
    "HOOK_TIMEOUTS",
    "SERVER_NAME",
    "ClaudeSetup",
    "SetupError",
    "Status",
    "find_root",
    "is_our_hook",
]


def find_root(start: Path | None = None) -> Path:
    """Where Claude Code runs for the project serving `start`: the folder holding its
    `.orchestron/`, in this worktree when `start` is in a linked git worktree; else `start`."""
    from orchestron.runtime._project import find_project_dir, git_worktree

    here = (start or Path.cwd()).resolve()
    found = find_project_dir(str(here))
    if not found:
        return here
    folder = Path(found).parent
    tree = git_worktree(str(here))
    if tree is not None and tree.linked and tree.main_root:
        main = Path(tree.main_root)
        if folder == main or main in folder.parents:
            return Path(tree.root) / folder.relative_to(main)
    return folder


class ClaudeSetup:
    """The set-up for one project folder, as this machine sees it."""

    def __init__(
        self,
        root: Path,
        *,
        db: str | None = None,
        environ: Mapping[str, str] | None = None,
        bin_dir: Path | None = None,
    ) -> None:
        self.root = root
        self.db = db
        self.environ = dict(os.environ if environ is None else environ)
        # Where this orchestron is installed: Claude Code is pointed there when
        # the commands are not on PATH.
        self.bin_dir = bin_dir or Path(sys.executable).parent

    @property
    def mcp_path(self) -> Path:
        return self.root / MCP_FILE

    @property
    def settings_path(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def local_path(self) -> Path:
        return self.root / LOCAL_FILE

    @staticmethod
    def server_entry() -> dict[str, Any]:
        return {"command": "orchestron-mcp", "args": []}

    # -- the three actions -------------------------------------------------------------------

    def install(self) -> list[str]:
        """Add what is missing; returns one line per change.

        All three documents are merged in memory first, so a problem in any
        one stops everything before a file is written.
        """
        mcp, settings, local = self.load()
        plugin = enabled_plugin(self.root, self.environ)
        if plugin is not None and not self._set_up(mcp, settings):
            key, where = plugin
            return [
                (
                    f"the Orchestron plugin ({key}, enabled in {where}) already gives Claude Code "
                    "the orchestron MCP server and the hooks here; nothing added"
                ),
                (
                    f"to commit a set-up for the whole team instead: `claude plugin disable {key}`, "
                    "then `orchestron setup claude`"
                ),
            ]
        report: list[str] = []
        changed: set[Path] = set()
        moved_db = self._install_server(mcp, report, changed)
        moved_db = self._install_hooks(settings, report, changed) or moved_db
        self._install_local(local, self.db or moved_db, report, changed)
        for path, document in (
            (self.mcp_path, mcp),
            (self.settings_path, settings),
            (self.local_path, local),
        ):
            if path in changed:
                write_json(
                    path, document, drop_if_empty=("env",) if path == self.local_path else ()
                )
        if self.local_path.exists():
            added = ensure_git_ignores(self.root, self.local_path)
            if added:
                report.append(added)
        if plugin is not None:
            report.append(
                f"the plugin {plugin[0]} is enabled too: Claude Code starts this project's "
                "orchestron server only, and the plugin's hooks stand aside for the project's"
            )
        for name in COMMANDS:
            if not shutil.which(name, path=self.claude_path(local)):
                report.append(self.command_advice(name))
        return report

    def check(self) -> Status:
        """What is in place and what is missing, each with what to do; changes nothing."""
        from orchestron.cli._claude_check import check

        return check(self)

    def remove(self) -> list[str]:
        """Take out only what setup adds: our server, our hooks, our local settings."""
        mcp, settings, local = self.load()
        report = []
        servers = mcp.get("mcpServers")
        if isinstance(servers, dict) and is_our_server(servers.get(SERVER_NAME)):
            del servers[SERVER_NAME]
            write_json(self.mcp_path, mcp, drop_if_empty=("mcpServers",))
            report.append(f'{MCP_FILE}: removed server "{SERVER_NAME}"')
        removed = _remove_hooks(settings.get("hooks"))
        if removed:
            write_json(self.settings_path, settings, drop_if_empty=("hooks",))
            order = list(HOOK_TIMEOUTS)
            named = sorted(set(removed), key=lambda e: order.index(e) if e in order else len(order))
            report.append(f"{SETTINGS_FILE}: removed hooks {', '.join(named)}")
        env = local.get("env")
        if isinstance(env, dict):
            gone = [k for k in ("ORCHESTRON_DB", "PATH") if k in env and self._ours_env(k, env[k])]
            for key in gone:
                del env[key]
            if gone:
                write_json(self.local_path, local, drop_if_empty=("env",))
                report.append(f"{LOCAL_FILE}: removed {', '.join(gone)}")
        return report or ["nothing of Orchestron's was set up here; nothing changed"]

    # -- install, piece by piece ----------------------------------------------------------------

    def _set_up(self, mcp: dict[str, Any], settings: dict[str, Any]) -> bool:
        servers = mcp.get("mcpServers")
        server = isinstance(servers, dict) and is_our_server(servers.get(SERVER_NAME))
        hooks = settings.get("hooks")
        return server or bool(isinstance(hooks, dict) and our_events(hooks))

    def _install_server(self, mcp: dict[str, Any], report: list[str], changed: set[Path]) -> str:
        """Add or repair our server; returns a database path it moved out ("" for none)."""
        servers = table_in(mcp, "mcpServers", self.mcp_path)
        entry = servers.get(SERVER_NAME)
        if entry is None:
            servers[SERVER_NAME] = self.server_entry()
            changed.add(self.mcp_path)
            report.append(f'{MCP_FILE}: added server "{SERVER_NAME}" (orchestron-mcp)')
            return ""
        if not is_our_server(entry):
            report.append(
                f'{MCP_FILE}: server "{SERVER_NAME}" already there (yours, kept as it is)'
            )
            return ""
        env = entry.get("env") if isinstance(entry.get("env"), dict) else {}
        moved = str(env.get("ORCHESTRON_DB") or "")
        if entry.get("command") == "orchestron-mcp" and not moved:
            report.append(f'{MCP_FILE}: server "{SERVER_NAME}" already there')
            return ""
        entry["command"] = "orchestron-mcp"
        rest = {k: v for k, v in env.items() if k != "ORCHESTRON_DB"}
        if rest:
            entry["env"] = rest
        else:
            entry.pop("env", None)
        changed.add(self.mcp_path)
        report.append(f'{MCP_FILE}: server "{SERVER_NAME}" now runs orchestron-mcp by name')
        return moved

    def _install_hooks(
        self, settings: dict[str, Any], report: list[str], changed: set[Path]
    ) -> str:
        hooks = table_in(settings, "hooks", self.settings_path)
        present = our_events(hooks)
        added, renamed, moved = [], [], ""
        for event in HOOK_TIMEOUTS:
            wanted = hook_entry(event)
            if event not in present:
                list_in(hooks, event, self.settings_path).append({"hooks": [wanted]})
                added.append(event)
                continue
            for entry in entries(hooks.get(event)):
                if entry_event(entry) == event and entry != wanted:
                    # An older setup's: a machine path, or a command now served by mcp_tool.
                    moved = moved or _db_prefix(str(entry.get("command") or ""))
                    entry.clear()
                    entry.update(wanted)
                    renamed.append(event)
        if added:
            report.append(f"{SETTINGS_FILE}: added hooks {', '.join(added)}")
        if renamed:
            report.append(
                f"{SETTINGS_FILE}: hooks {', '.join(renamed)} now run as this setup writes them"
            )
        if added or renamed:
            changed.add(self.settings_path)
        else:
            report.append(f"{SETTINGS_FILE}: the Orchestron hooks are already there")
        return moved

    def _install_local(
        self, local: dict[str, Any], db: str, report: list[str], changed: set[Path]
    ) -> None:
        """This machine's part: ORCHESTRON_DB, and PATH when the commands are not on it."""
        env = table_in(local, "env", self.local_path)
        if db and env.get("ORCHESTRON_DB") != db:
            env["ORCHESTRON_DB"] = db
            report.append(f"{LOCAL_FILE}: ORCHESTRON_DB={db} (this machine only)")
        ours = env.get("PATH") if self._ours_env("PATH", env.get("PATH")) else None
        path = self._path_for_claude(ours)
        if path and not ours:
            env["PATH"] = path
            report.append(
                f"{LOCAL_FILE}: Claude Code's PATH starts with {self.bin_dir}, where "
                "orchestron and orchestron-mcp are (this machine only; with them on PATH, "
                "setup takes it out again: docs/install.md)"
            )
        elif ours and not path:
            del env["PATH"]
            report.append(f"{LOCAL_FILE}: took out the PATH setup added; the commands are on PATH")
        if env != read_json(self.local_path).get("env", {}):
            changed.add(self.local_path)

    def _path_for_claude(self, ours: str | None) -> str:
        """The PATH for Claude Code when the commands are not on the user's own PATH but
        sit beside this Python ("" when no PATH needs setting, or none would help)."""
        current = self.environ.get("PATH", "")
        if ours:  # run from a session that already has our PATH: judge the user's own
            parts = current.split(os.pathsep)
            if parts and parts[0] == ours.split(os.pathsep)[0]:
                current = os.pathsep.join(parts[1:])
        if all(shutil.which(name, path=current) for name in COMMANDS):
            return ""
        if not all((self.bin_dir / name).exists() for name in COMMANDS):
            return ""
        return f"{self.bin_dir}{os.pathsep}{current}" if current else str(self.bin_dir)

    def _ours_env(self, key: str, value: object) -> bool:
        if not isinstance(value, str) or not value:
            return False
        if key == "ORCHESTRON_DB":
            return True
        first = Path(value.split(os.pathsep)[0])
        return (first / "orchestron").exists() and (first / "orchestron-mcp").exists()

    # -- helpers -------------------------------------------------------------------------------

    def load(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """The three documents, checked before any is written."""
        return read_json(self.mcp_path), read_json(self.settings_path), read_json(self.local_path)

    def claude_path(self, local: dict[str, Any]) -> str:
        """The PATH Claude Code runs the commands with: the local file's, else ours."""
        env = local.get("env")
        value = env.get("PATH") if isinstance(env, dict) else None
        return value if isinstance(value, str) and value else self.environ.get("PATH", "")

    def command_advice(self, name: str) -> str:
        return command_advice(name, self.bin_dir)


def _remove_hooks(hooks: object) -> list[str]:
    """Take our entries out of a `hooks` table in place; the events they were under."""
    removed: list[str] = []
    if not isinstance(hooks, dict):
        return removed
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
            kept = [h for h in inner if not (isinstance(h, dict) and entry_event(h))]
            if len(kept) != len(inner):
                removed.append(event)
            if kept:
                kept_groups.append({**group, "hooks": kept})
        if kept_groups:
            hooks[event] = kept_groups
        else:
            del hooks[event]
    return removed


def _db_prefix(command: str) -> str:
    """The `ORCHESTRON_DB=...` an older setup put before a hook command ("" for none)."""
    try:
        words = shlex.split(command)
    except ValueError:
        return ""
    for word in words:
        if word.startswith("ORCHESTRON_DB="):
            return word[len("ORCHESTRON_DB=") :]
        if "=" not in word:
            break
    return ""
