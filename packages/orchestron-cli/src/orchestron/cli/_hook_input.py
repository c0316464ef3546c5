"""What Claude Code hands a hook: its JSON on stdin, plus a few environment variables."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from typing import Any

__all__ = [
    "EVENTS",
    "HookInput",
    "HookInputError",
    "event_name",
    "warn",
]

# The events `orchestron hook` acts on, as Claude Code spells them.
EVENTS = (
    "SessionStart",
    "UserPromptSubmit",
    "PreToolUse",
    "PostToolUse",
    "PreCompact",
    "SessionEnd",
)
_BY_KEY = {e.lower().replace("_", "").replace("-", ""): e for e in EVENTS}

MAX_STDIN = 16 * 1024 * 1024  # a prompt can be long; anything larger is not Claude Code talking


class HookInputError(ValueError):
    """The hook's input is not what Claude Code sends; the hook then does nothing."""


def event_name(text: str) -> str | None:
    """`SessionStart`, `session-start` or `session_start` -> `SessionStart`; None if unknown."""
    return _BY_KEY.get(text.strip().lower().replace("_", "").replace("-", ""))


class HookInput:
    """One hook call: the event, the Claude Code session, where the project is, and the payload."""

    __slots__ = (
        "cwd",
        "data",
        "event",
        "project_dir",
        "session_id",
        "source",
        "tool_name",
        "transcript_path",
    )

    def __init__(
        self,
        event: str,
        session_id: str,
        project_dir: str,
        *,
        cwd: str = "",
        transcript_path: str = "",
        source: str = "",
        tool_name: str = "",
        data: Mapping[str, Any] | None = None,
    ) -> None:
        self.event = event
        self.session_id = session_id
        self.project_dir = project_dir
        self.cwd = cwd
        self.transcript_path = transcript_path
        self.source = source
        self.tool_name = tool_name
        self.data: Mapping[str, Any] = data or {}

    @classmethod
    def parse(
        cls, event: str, text: str, environ: Mapping[str, str] | None = None
    ) -> HookInput | None:
        """Read Claude Code's hook JSON; None when there is no session to act for.

        The session id is the payload's `session_id` (it follows `/clear`), else
        `CLAUDE_CODE_SESSION_ID`; the project is `CLAUDE_PROJECT_DIR`, else the
        payload's `cwd`, else the working directory.
        """
        env = os.environ if environ is None else environ
        if len(text) > MAX_STDIN:
            raise HookInputError(f"hook input is {len(text)} bytes; expected Claude Code's JSON")
        data: Any = {}
        if text.strip():
            try:
                data = json.loads(text)
            except ValueError as exc:
                raise HookInputError(f"hook input is not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise HookInputError("hook input is not a JSON object")
        sid = _text(data.get("session_id")) or env.get("CLAUDE_CODE_SESSION_ID", "").strip()
        if not sid:
            return None
        if len(sid) > 128 or any(ch.isspace() or not ch.isprintable() for ch in sid):
            raise HookInputError("hook input has a malformed session_id")
        cwd = _text(data.get("cwd"))
        project = env.get("CLAUDE_PROJECT_DIR", "").strip() or cwd or os.getcwd()
        tool_name = _text(data.get("tool_name"))
        return cls(
            event,
            sid,
            project,
            cwd=cwd,
            transcript_path=_text(data.get("transcript_path")),
            source=_text(data.get("source")) or _text(data.get("trigger")),
            tool_name=tool_name,
            data=data,
        )

    def text(self, key: str) -> str:
        return _text(self.data.get(key))


def warn(line: str) -> None:
    """One line on stderr: Claude Code shows it in its debug output, never to the model."""
    try:
        sys.stderr.write(f"orchestron hook: {line}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
