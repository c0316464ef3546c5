"""Every failure a tool can meet, as a message that says what was wrong and how to fix it.

The core's errors are mapped here once; so are the SDK's argument-validation
errors, whose raw pydantic text is long and points at a web page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from mcp.server.mcpserver.exceptions import ToolError
from orchestron.core.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    OrchestronError,
    StorageError,
)
from orchestron.mcp._hints import render_hints

__all__ = [
    "ERROR_BUDGET",
    "agent_text",
    "bad_argument",
    "bounded",
    "describe_validation",
    "tool_error",
    "unknown_arguments",
]

ERROR_BUDGET = 4096
"""Bytes an error's text may take: well inside the reply budget however long the input was."""


def bounded(text: str, budget: int = ERROR_BUDGET) -> str:
    """`text` cut in the middle to `budget` bytes: the start says what, the end how to fix it."""
    data = text.encode()
    if len(data) <= budget:
        return text
    keep = budget // 2 - 40
    head = data[:keep].decode(errors="ignore")
    tail = data[-keep:].decode(errors="ignore")
    return f"{head} …[{len(data) - 2 * keep:,} bytes cut]… {tail}"


# Core field names that differ from the tools' argument names.
_ARG_NAMES = {
    "depends_on": "dependsOn",
    "start_date": "startDate",
    "end_date": "endDate",
    "checkpoint": "checkpointsDone",
    "checkpoints_add": "checkpointsAdd",
    "task": "taskIds",
    "task_id": "taskId",
    "session_id": "sessionId",
    "agent_id": "agentId",
    "handoff_id": "handoffId",
    "to_agent": "toAgent",
    "request_id": "requestId",
    "review_date": "reviewDate",
    "reason": "question",
}


def arg_name(field: str) -> str:
    return _ARG_NAMES.get(field, field)


def bad_argument(tool: str, field: str, message: str) -> ToolError:
    return ToolError(f"{tool}: bad argument: '{arg_name(field)}': {message}")


def agent_text(exc: OrchestronError) -> str:
    """The core's reason with its hints as this server's tool calls."""
    return exc.explain(render_hints(exc.hints))


def tool_error(tool: str, exc: OrchestronError) -> ToolError:
    """The core's error as a tool error a model can act on."""
    text = agent_text(exc)
    if isinstance(exc, InvalidInputError):
        return bad_argument(tool, exc.field, text.removeprefix(f"{exc.field}: "))
    if isinstance(exc, NotFoundError):
        return ToolError(f"{tool}: not found: {text}")
    if isinstance(exc, ConflictError):
        if exc.current_version is not None and "version" not in text:
            text += f" (current version {exc.current_version})"
        if exc.current_version is not None:
            text += f"; pass version={exc.current_version} after re-reading it with task_get"
        return ToolError(f"{tool}: conflict: {text}")
    if isinstance(exc, ForbiddenError):
        return ToolError(f"{tool}: refused: {text}")
    if isinstance(exc, StorageError):
        hint = "; try again in a moment" if exc.retryable else ""
        return ToolError(f"{tool}: storage problem: {text}{hint}")
    return ToolError(f"{tool}: {text}")


def _got(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def describe_validation(tool: str, exc: ValidationError) -> str:
    """pydantic's errors as one line per field: which argument, what is wrong, what came."""
    problems: list[str] = []
    for err in exc.errors(include_url=False):
        loc = [str(part) for part in err.get("loc", ()) if str(part) not in ("function-after",)]
        # Drop the type-tag parts pydantic adds inside unions ("int", "list[str]", "none").
        path = ".".join(p for p in loc if not _is_type_tag(p)) or "arguments"
        kind = err.get("type", "")
        if kind == "missing":
            problems.append(f"'{path}' is required")
            continue
        msg = str(err.get("msg", "is not valid"))
        msg = msg[0].lower() + msg[1:] if msg else msg
        problems.append(f"'{path}': {msg} (got {_got(err.get('input'))})")
    unique = list(dict.fromkeys(problems))
    noun = "argument" if len(unique) == 1 else "arguments"
    return f"{tool}: bad {noun}: " + "; ".join(unique)


def _is_type_tag(part: str) -> bool:
    return part in {"int", "str", "float", "bool", "none", "list[str]", "list[int]"} or (
        part.startswith(("list[", "dict[", "literal[", "function-"))
    )


def unknown_arguments(tool: str, given: Iterable[str], known: Mapping[str, Any]) -> str | None:
    """A message naming arguments the tool does not take, or None when all are known."""
    extra = [name for name in given if name not in known]
    if not extra:
        return None
    names = ", ".join(f"'{n if len(n) <= 40 else n[:39] + '…'}'" for n in extra[:10])
    if len(extra) > 10:
        names += f" and {len(extra) - 10} more"
    return f"{tool}: unknown argument {names}; it takes: " + ", ".join(known)
