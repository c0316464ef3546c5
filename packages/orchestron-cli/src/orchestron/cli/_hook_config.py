"""Where the project's store is, and the `[hooks]` settings, found without the core.

The store is found by the runtime's own discovery (`orchestron.runtime._project`,
which imports only the standard library, as these hooks must: they run on every
prompt and tool call). tests/claude/test_claude_hook_store.py checks the answers
agree with `orchestron.runtime.locate_store`.
"""

from __future__ import annotations

import sys

from orchestron.runtime._project import StoreSpec as StoreSpot
from orchestron.runtime._project import find_store as _find_store

TYPE_CHECKING = False  # not `from typing`: importing typing costs these hooks time

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

__all__ = [
    "DEFAULT_DENY_TOOLS",
    "HOOK_KEYS",
    "HookSettings",
    "StoreSpot",
    "find_store",
    "load_settings",
]

# Tools that change things: denied while the session's task is paused or waits
# for a person. `mcp__*orchestron*__` matches the server added by hand or by
# `orchestron setup claude` (`mcp__orchestron__`) and the plugin's
# (`mcp__plugin_orchestron_orchestron__`).
DEFAULT_DENY_TOOLS: tuple[str, ...] = (
    "Edit",
    "Write",
    "MultiEdit",
    "NotebookEdit",
    "Bash",
    "mcp__*orchestron*__task_create",
    "mcp__*orchestron*__task_update",
    "mcp__*orchestron*__task_complete",
    "mcp__*orchestron*__task_next",
    "mcp__*orchestron*__sprint",
)

# `[hooks]` keys: one switch per hook (true by default), and the rest.
HOOK_KEYS: dict[str, str] = {
    "session_start": "SessionStart",
    "user_prompt_submit": "UserPromptSubmit",
    "pre_tool_use": "PreToolUse",
    "post_tool_use": "PostToolUse",
    "pre_compact": "PreCompact",
    "session_end": "SessionEnd",
}
_OTHER_KEYS = ("deny_tools", "allow_tools", "claim_next", "channel")


def find_store(base: str, environ: Mapping[str, str] | None = None) -> StoreSpot | None:
    """The store a hook in `base` would use; None when there is no project.

    The runtime's own discovery (`orchestron.runtime._project`, standard
    library only), so the hooks and every other door find the same store.
    """
    try:
        return _find_store(base, environ)
    except ValueError as exc:
        warn(f"ORCHESTRON_DB: {exc}")
        return None


class HookSettings:
    """The `[hooks]` table of `.orchestron/config.toml`, checked leniently.

    A hook must never break the agent's session, so a bad value is reported
    (one line each in `problems`) and its default used instead.
    """

    __slots__ = ("channel", "claim_next", "deny_tools", "enabled", "lease_seconds", "problems")

    def __init__(self) -> None:
        self.enabled: dict[str, bool] = dict.fromkeys(HOOK_KEYS.values(), True)
        self.deny_tools: tuple[str, ...] = DEFAULT_DENY_TOOLS
        self.claim_next = False
        self.channel = False
        self.lease_seconds = 300.0
        self.problems: list[str] = []

    def denies(self, tool_name: str) -> bool:
        """Whether `tool_name` changes things (by name or `*` pattern)."""
        if not tool_name:
            return False
        for pattern in self.deny_tools:
            if "*" in pattern or "?" in pattern or "[" in pattern:
                from fnmatch import fnmatchcase

                if fnmatchcase(tool_name, pattern):
                    return True
            elif tool_name == pattern:
                return True
        return False

    def apply(self, table: Mapping[str, Any], sessions: Mapping[str, Any]) -> None:
        for key, value in table.items():
            if key in HOOK_KEYS:
                if isinstance(value, bool):
                    self.enabled[HOOK_KEYS[key]] = value
                else:
                    self.problems.append(f"hooks.{key} must be true or false, not {value!r}")
            elif key in ("deny_tools", "allow_tools"):
                if not isinstance(value, list) or not all(
                    isinstance(v, str) and v.strip() for v in value
                ):
                    self.problems.append(f"hooks.{key} must be a list of tool names")
                    continue
                names = tuple(v.strip() for v in value)
                if key == "deny_tools":
                    self.deny_tools = names
                else:  # allow_tools takes names off the list without retyping it
                    self.deny_tools = tuple(t for t in self.deny_tools if t not in names)
            elif key in ("claim_next", "channel"):
                if isinstance(value, bool):
                    setattr(self, key, value)
                else:
                    self.problems.append(f"hooks.{key} must be true or false, not {value!r}")
            else:
                known = ", ".join([*HOOK_KEYS, *_OTHER_KEYS])
                self.problems.append(f"hooks.{key} is not a setting; known: {known}")
        lease = sessions.get("lease_seconds")
        if isinstance(lease, int | float) and not isinstance(lease, bool) and lease > 0:
            self.lease_seconds = float(lease)


def load_settings(config_path: str) -> HookSettings:
    """The hook settings from a config file; the defaults when it is absent or unreadable.

    The TOML parser is imported only when the file mentions what we read.
    """
    settings = HookSettings()
    if not config_path:
        return settings
    try:
        with open(config_path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return settings
    if not _mentions(text, ("[hooks", "hooks", "lease_seconds")):
        return settings
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        settings.problems.append(f"{config_path}: not valid TOML ({exc}); using the defaults")
        return settings
    hooks = data.get("hooks", {})
    sessions = data.get("sessions", {})
    if not isinstance(hooks, dict):
        settings.problems.append("[hooks] must be a table")
        hooks = {}
    settings.apply(hooks, sessions if isinstance(sessions, dict) else {})
    return settings


def _mentions(text: str, starts: tuple[str, ...]) -> bool:
    """Whether a line that is not a comment starts with one of `starts`."""
    return any(line.lstrip().startswith(starts) for line in text.splitlines())


def warn(line: str) -> None:
    """One line on stderr: Claude Code shows it in its debug output, never to the model."""
    try:
        sys.stderr.write(f"orchestron hook: {line}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
