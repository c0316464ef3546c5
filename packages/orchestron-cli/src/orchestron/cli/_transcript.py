"""Files an agent touched, read from its Claude Code transcript.

The transcript (`~/.claude/projects/<dir>/<session>.jsonl`) has one JSON
object a line; the model's tool calls are `tool_use` items in the content of
`assistant` entries. Edit, Write, MultiEdit and NotebookEdit name the file
they change. Lines that are not JSON, or not in that shape, are skipped: the
format belongs to Claude Code and may grow.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["WRITING_TOOLS", "files_touched", "merge_files"]

WRITING_TOOLS = {
    "Edit": "file_path",
    "Write": "file_path",
    "MultiEdit": "file_path",
    "NotebookEdit": "notebook_path",
}
MAX_FILES = 40
MAX_TRANSCRIPT = 256 * 1024 * 1024  # read no more than this much of a transcript


def files_touched(transcript: str, project_dir: str = "", limit: int = MAX_FILES) -> list[str]:
    """Files the transcript's writing tool calls changed, oldest first, the latest `limit`.

    Paths inside `project_dir` are given relative to it. A file touched
    again moves to the end. A missing or unreadable transcript gives [].
    """
    if not transcript or not os.path.isfile(transcript):
        return []
    found: dict[str, None] = {}
    try:
        for path in _tool_paths(transcript):
            shown = _relative(path, project_dir)
            found.pop(shown, None)
            found[shown] = None
    except OSError:
        pass
    return list(found)[-limit:] if limit > 0 else []


def merge_files(old: Iterable[object], new: Iterable[str], limit: int = MAX_FILES) -> list[str]:
    """`old` then `new`, each file once at its latest place, the last `limit`."""
    merged: dict[str, None] = {}
    for item in (*old, *new):
        if isinstance(item, str) and item.strip():
            merged.pop(item, None)
            merged[item] = None
    return list(merged)[-limit:]


def _tool_paths(transcript: str) -> Iterator[str]:
    read = 0
    with open(transcript, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            read += len(line)
            if read > MAX_TRANSCRIPT:
                return
            if '"tool_use"' not in line:
                continue  # most lines: skip the JSON parse
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            yield from _paths_in(entry)


def _paths_in(entry: Any) -> Iterator[str]:
    if not isinstance(entry, dict):
        return
    message = entry.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, list):
        return
    for item in content:
        if not isinstance(item, dict) or item.get("type") != "tool_use":
            continue
        key = WRITING_TOOLS.get(str(item.get("name")))
        tool_input = item.get("input")
        if key and isinstance(tool_input, dict):
            path = tool_input.get(key)
            if isinstance(path, str) and path.strip():
                yield path.strip()


def _relative(path: str, project_dir: str) -> str:
    if project_dir and os.path.isabs(path):
        try:
            inside = os.path.relpath(path, project_dir)
        except ValueError:
            return path
        if not inside.startswith(".."):
            return inside
    return path
