"""Each hook's work done once, when Claude Code runs the same hook twice.

It does when Orchestron's hooks are in place twice: the plugin and the
project's own `orchestron setup claude`, or the user's settings and the
project's. Claude Code runs every copy, at the same moment, with the same
input.

- The plugin's copy stands aside when the project's own settings run the same
  event: `stands_aside` (Claude Code sets `CLAUDE_PLUGIN_ROOT` for a plugin's hooks).
- Whatever the copies, SessionStart, PreCompact and SessionEnd (the hooks that
  write a session, a snapshot or a handoff) claim their run first: `first_run`
  creates a marker named by the session, the event and the hook's input, with
  O_EXCL, so of two copies started together exactly one goes on.
- The per-prompt and per-tool hooks need no marker: the store hands each
  message over once (under its write lock, only rows still undelivered), so a
  second copy finds nothing to say, and a PreToolUse denial is the same answer
  twice.

Standard library only (this module is imported on every prompt and tool call).
"""

from __future__ import annotations

import json
import os
import re
import time

TYPE_CHECKING = False  # not `from typing`: importing typing costs these hooks time

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "ONCE_EVENTS",
    "WINDOW_SECONDS",
    "first_run",
    "is_our_hook",
    "project_hook_events",
    "stands_aside",
]

ONCE_EVENTS = ("SessionStart", "PreCompact", "SessionEnd")
WINDOW_SECONDS = 30.0
"""A run with the same input this soon after another is the same hook run twice.

Copies start within milliseconds of each other; a second compaction or
resumption of one session with byte-identical input takes far longer than this.
"""
KEEP_SECONDS = 2 * 24 * 3600.0
"""Markers older than this are swept away at the next SessionStart."""
RUNS_DIR = "hook-runs"
SETTINGS_FILES = ("settings.json", "settings.local.json")

_OUR_HOOK = re.compile(r"(?:^|[\s/\\'\"])orchestron(?:\.exe)?['\"]?\s+hook\s+([A-Za-z_-]+)")


def is_our_hook(command: object) -> str | None:
    """The event an `orchestron hook EVENT` command runs, or None if it is not ours."""
    if not isinstance(command, str):
        return None
    found = _OUR_HOOK.search(command)
    return found.group(1) if found else None


def project_hook_events(root: str) -> dict[str, str]:
    """Events the project's own `.claude/settings*.json` run `orchestron hook` for,
    each with the file that does (the unreadable or malformed ones are skipped)."""
    found: dict[str, str] = {}
    for name in SETTINGS_FILES:
        path = os.path.join(root, ".claude", name)
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            continue
        hooks = data.get("hooks") if isinstance(data, dict) else None
        if not isinstance(hooks, dict):
            continue
        for event, groups in hooks.items():
            for group in groups if isinstance(groups, list) else ():
                inner = group.get("hooks") if isinstance(group, dict) else None
                for entry in inner if isinstance(inner, list) else ():
                    command = entry.get("command") if isinstance(entry, dict) else None
                    if is_our_hook(command) == event:
                        found.setdefault(event, path)
    return found


def stands_aside(event: str, project_root: str, environ: Mapping[str, str]) -> str:
    """When this is the plugin's copy of a hook the project runs itself: the file
    that runs it (else "")."""
    if not environ.get("CLAUDE_PLUGIN_ROOT", "").strip() or not project_root:
        return ""
    return project_hook_events(project_root).get(event, "")


def first_run(event: str, session_id: str, data: object, project_dir: str) -> bool:
    """Whether this is the first run of this hook with this input (and so does the work).

    Markers `<key>.0`, `<key>.1`, ... are created with O_EXCL: one that exists
    and is recent means another copy has this run; an old one means an earlier
    run, so the next number is tried. Two copies racing for the same number:
    the file system lets exactly one create it.
    """
    import hashlib

    folder = _runs_dir(project_dir)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return True  # cannot keep markers: better twice than never
    text = json.dumps([event, session_id, data], sort_keys=True, ensure_ascii=True)
    key = hashlib.sha256(text.encode("ascii")).hexdigest()[:32]
    now = time.time()
    if event == "SessionStart":
        _sweep(folder, now)
    for number in range(1000):
        path = os.path.join(folder, f"{key}.{number}")
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return True
        except FileExistsError:
            try:
                if now - os.stat(path).st_mtime < WINDOW_SECONDS:
                    return False
            except OSError:
                continue  # swept meanwhile: try the next number
        except OSError:
            return True
    return True


def _runs_dir(project_dir: str) -> str:
    if project_dir and os.path.isdir(project_dir):
        return os.path.join(project_dir, RUNS_DIR)
    import tempfile

    uid = os.getuid() if hasattr(os, "getuid") else 0
    return os.path.join(tempfile.gettempdir(), f"orchestron-{RUNS_DIR}-{uid}")


def _sweep(folder: str, now: float) -> None:
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        path = os.path.join(folder, name)
        try:
            if now - os.stat(path).st_mtime > KEEP_SECONDS:
                os.unlink(path)
        except OSError:
            pass
