"""The SessionStart hook's text: what to do now, in at most 2 KB the model reads first.

Priority when space runs short: the header, the instruction, people's
messages and the tools line always stay (cut shorter if need be); the saved
context's details and the project-memory index go in, most useful first, as far
as they fit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from orchestron.runtime._hook_text import clip, message_block

__all__ = ["MAX_START_BYTES", "TOOLS_LINE", "format_start"]

MAX_START_BYTES = 2048

TOOLS_LINE = (
    'Orchestron tools (MCP server "orchestron"; find them with ToolSearch "orchestron"): '
    "task_update for progress and checkpoints, task_complete when done, context_save "
    "before you stop or switch, handoff to pass work on, ask_human to ask a person."
)
_NEXT_TOOLS = "task_next claims the best ready task (or task_update to start one). "


def format_start(
    *,
    agent: str,
    session_id: str,
    kind: str,
    instruction: str,
    context: Mapping[str, Any] | None,
    messages: Sequence[object],
    requests: Sequence[Mapping[str, Any]] = (),
    memory: Sequence[str] = (),
    source: str = "startup",
    claimed: bool = False,
    limit: int = MAX_START_BYTES,
) -> str:
    """Header, instruction, context details, open requests, messages, tools; <= `limit` bytes."""
    after = "after the compaction " if source == "compact" else ""
    header = f"[orchestron] Resuming {after}as agent {agent} (Orchestron session {session_id[:8]})."
    tools = (_NEXT_TOOLS if kind == "next" and not claimed else "") + TOOLS_LINE
    details = _details(context, source) + _memory(memory) + _requests(requests)
    for message_limit, instruction_limit in ((1500, 900), (600, 500), (200, 300), (80, 200)):
        required = [
            header,
            clip(instruction, instruction_limit),
            message_block(messages, message_limit),
            tools,
        ]
        if _size(required) <= limit:
            break
    lines = required[:2]
    tail = [line for line in required[2:] if line]
    for line in details:
        if _size([*lines, line, *tail]) <= limit:
            lines.append(line)
    text = "\n".join([*lines, *tail])
    return _cut(text, limit)


def _details(context: Mapping[str, Any] | None, source: str) -> list[str]:
    if not context:
        return []
    out = []
    if source == "compact":
        out.append("What was saved before the compaction:")
    decisions = context.get("critical_decisions")
    if isinstance(decisions, Mapping) and decisions:
        pairs = [f"{clip(str(k), 60)}: {clip(str(v), 160)}" for k, v in decisions.items()]
        out.append("Decisions: " + "; ".join(pairs[:6]) + ".")
    questions = _strings(context.get("open_questions"))
    if questions:
        out.append("Open questions: " + "; ".join(clip(q, 160) for q in questions[:4]) + ".")
    done = _strings(context.get("completed_steps"))
    if done:
        out.append("Done so far: " + "; ".join(clip(s, 120) for s in done[-4:]) + ".")
    files = _strings(context.get("files_touched"))
    if files:
        out.append("Files touched: " + ", ".join(clip(f, 100) for f in files[-12:]) + ".")
    notes = context.get("notes")
    if isinstance(notes, str) and notes.strip():
        out.append("Notes: " + clip(notes, 300))
    return out


def _memory(lines: Sequence[str]) -> list[str]:
    """The project-memory index the core chose by rank for this task (already budgeted)."""
    if not lines:
        return []
    return ["Project memory (the recall tool gives full entries): " + "; ".join(lines) + "."]


def _requests(requests: Sequence[Mapping[str, Any]]) -> list[str]:
    if not requests:
        return []
    asked = [
        f"{r.get('id')} ({r.get('kind')}): {clip(str(r.get('text', '')), 160)}" for r in requests
    ]
    return ["Open requests to a person: " + "; ".join(asked[:3]) + "."]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if str(v).strip()]
    return []


def _size(lines: Sequence[str]) -> int:
    return len("\n".join(line for line in lines if line).encode("utf-8"))


def _cut(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", errors="ignore") + "…"
