"""`orchestron setup claude --check`: what is in place, and for each thing that is
not, exactly what to do (never "run setup" for what setup cannot fix)."""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orchestron.cli._claude_files import (
    COMMANDS,
    HOOK_TIMEOUTS,
    LOCAL_FILE,
    MCP_FILE,
    SERVER_NAME,
    SETTINGS_FILE,
    enabled_plugin,
    entries,
    entry_event,
    git_state,
    hook_entry,
    is_our_server,
    our_events,
    table_in,
)

if TYPE_CHECKING:
    from orchestron.cli._claude_setup import ClaudeSetup

__all__ = ["Status", "check"]


class Status:
    """What `--check` found: (state, line) pairs; state is ok, missing or problem."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    @property
    def ok(self) -> bool:
        return all(state == "ok" for state, _ in self.lines)

    def add(self, state: str | bool, text: str) -> None:
        if isinstance(state, bool):
            state = "ok" if state else "missing"
        self.lines.append((state, text))


def check(plan: ClaudeSetup) -> Status:
    """What is in place and what is missing, each with what to do; changes nothing."""
    status = Status()
    mcp, settings, local = plan.load()
    plugin = enabled_plugin(plan.root, plan.environ)
    if plugin is not None:
        status.add("ok", f"plugin: {plugin[0]} is enabled (in {plugin[1]})")
    _check_server(plan, status, mcp, plugin is not None)
    _check_hooks(plan, status, settings, plugin is not None)
    claude_path = plan.claude_path(local)
    for name in COMMANDS:
        found = shutil.which(name, path=claude_path)
        if found:
            status.add("ok", f"{name}: {found}")
        else:
            status.add("missing", plan.command_advice(name))
    _check_project(plan, status, local)
    if plan.local_path.exists():
        state = git_state(plan.root, plan.local_path)
        if state == "tracked":
            status.add(
                "problem",
                f"{LOCAL_FILE}: this machine's settings are in git: "
                f"`git rm --cached {LOCAL_FILE}`, then `orchestron setup claude`",
            )
        elif state == "offered":
            status.add(
                "problem",
                f"{LOCAL_FILE}: git would offer it to the team: "
                "`orchestron setup claude` adds it to .claude/.gitignore",
            )
    return status


def _check_server(plan: ClaudeSetup, status: Status, mcp: dict[str, Any], plugin: bool) -> None:
    servers = table_in(dict(mcp), "mcpServers", plan.mcp_path)
    entry = servers.get(SERVER_NAME)
    if entry is None:
        if plugin:
            status.add("ok", f'{MCP_FILE}: no "{SERVER_NAME}" server; the plugin starts its own')
        else:
            status.add(
                "missing",
                f'{MCP_FILE}: no "{SERVER_NAME}" server: `orchestron setup claude` adds it',
            )
        return
    runs = entry.get("command") if isinstance(entry, dict) else None
    env = entry.get("env") if isinstance(entry, dict) else None
    machine = is_our_server(entry) and (
        runs != "orchestron-mcp" or (isinstance(env, dict) and "ORCHESTRON_DB" in env)
    )
    if machine:
        status.add(
            "problem",
            f'{MCP_FILE}: server "{SERVER_NAME}" holds a path of this machine ({runs}'
            f"{', ORCHESTRON_DB' if isinstance(env, dict) and 'ORCHESTRON_DB' in env else ''})"
            " in a file the team shares: `orchestron setup claude` rewrites it by name",
        )
    else:
        mine = "" if is_our_server(entry) else " (yours)"
        status.add("ok", f'{MCP_FILE}: server "{SERVER_NAME}" runs {runs}{mine}')


def _check_hooks(plan: ClaudeSetup, status: Status, settings: dict[str, Any], plugin: bool) -> None:
    hooks = table_in(dict(settings), "hooks", plan.settings_path)
    present = our_events(hooks)
    missing = [e for e in HOOK_TIMEOUTS if e not in present]
    ours = [
        (event, entry)
        for event, groups in hooks.items()
        for entry in entries(groups)
        if entry_event(entry) == event and entry != hook_entry(event)
    ]
    command = [(event, entry) for event, entry in ours if entry.get("type") != "mcp_tool"]
    machine = sorted(e for e, entry in command if entry.get("command") != f"orchestron hook {e}")
    older = sorted({e for e, _ in ours} - set(machine))
    if present:
        status.add(not missing, f"{SETTINGS_FILE}: hooks {', '.join(sorted(present))}")
    if missing and plugin and not present:
        status.add("ok", f"{SETTINGS_FILE}: no Orchestron hooks; the plugin's run")
    elif missing:
        status.add(
            "missing",
            f"{SETTINGS_FILE}: missing hooks {', '.join(missing)}: "
            "`orchestron setup claude` adds them",
        )
    if machine:
        status.add(
            "problem",
            f"{SETTINGS_FILE}: hooks {', '.join(machine)} hold a path of this machine in a "
            "file the team shares: `orchestron setup claude` rewrites them by name",
        )
    if older:
        status.add(
            "problem",
            f"{SETTINGS_FILE}: hooks {', '.join(older)} are not as this version writes them "
            "(the per-prompt and per-tool ones are mcp_tool hooks on the session's server): "
            "`orchestron setup claude` rewrites them",
        )


def _check_project(plan: ClaudeSetup, status: Status, local: dict[str, Any]) -> None:
    from orchestron.runtime._project import find_store

    env = local.get("env")
    spec = plan.db or (str(env.get("ORCHESTRON_DB") or "") if isinstance(env, dict) else "")
    try:
        found = find_store(str(plan.root), {"ORCHESTRON_DB": spec} if spec else {})
    except ValueError as exc:
        status.add("problem", f"ORCHESTRON_DB: {exc}")
        return
    if found is None:
        status.add(
            "missing", f"project: none for {plan.root}: run `orchestron init` in {plan.root}"
        )
        return
    if found.kind == "sqlite" and not os.path.exists(found.path):
        init = f"orchestron --db {shlex.quote(spec)} init" if spec else "orchestron init"
        status.add("missing", f"project: {found.path} does not exist yet: run `{init}`")
    else:
        status.add("ok", f"project: {found.path or _redact(found.url)}")
    from orchestron.core.errors import OrchestronError
    from orchestron.runtime import hook_settings, load_config

    config = found.config_path
    try:
        problems = hook_settings(load_config(Path(config) if config else None).hooks).problems
    except OrchestronError as exc:
        problems = [exc.message]
    for problem in problems:
        status.add("problem", f"{config}: {problem}")


def _redact(url: str) -> str:
    from orchestron.runtime import StoreLocation

    return StoreLocation(kind="postgresql", url=url).describe()
