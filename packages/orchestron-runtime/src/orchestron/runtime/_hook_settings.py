"""The `[hooks]` table of `.orchestron/config.toml`: which hooks run, and which tools change things.

The core parses the file (`ProjectConfig.from_toml`) and hands the `[hooks]`
table over as it stands; this module is the one place its keys are checked.
Leniently: a hook must never break the agent's session, so a bad value is
reported (one line each in `problems`) and its default used instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any

__all__ = ["DEFAULT_DENY_TOOLS", "HOOK_KEYS", "HookSettings", "hook_settings"]

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


class HookSettings:
    """What `[hooks]` says, with the defaults for what it leaves out or gets wrong."""

    __slots__ = ("channel", "claim_next", "deny_tools", "enabled", "problems")

    def __init__(self) -> None:
        self.enabled: dict[str, bool] = dict.fromkeys(HOOK_KEYS.values(), True)
        self.deny_tools: tuple[str, ...] = DEFAULT_DENY_TOOLS
        self.claim_next = False
        self.channel = False
        self.problems: list[str] = []

    def denies(self, tool_name: str) -> bool:
        """Whether `tool_name` changes things (by name or `*` pattern)."""
        if not tool_name:
            return False
        return any(
            fnmatchcase(tool_name, p) if any(c in p for c in "*?[") else tool_name == p
            for p in self.deny_tools
        )

    def _apply(self, table: Mapping[str, Any]) -> None:
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


def hook_settings(table: Mapping[str, Any] | None) -> HookSettings:
    """The settings a project's `[hooks]` table (`ProjectConfig.hooks`) gives."""
    settings = HookSettings()
    settings._apply(table or {})
    return settings
