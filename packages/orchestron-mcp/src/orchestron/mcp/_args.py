"""Argument types shared by the tools, with the short descriptions a model reads."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

__all__ = [
    "Fields",
    "Limit",
    "Note",
    "OptTaskId",
    "TaskId",
    "TaskIds",
    "Verbose",
    "Version",
    "any_case",
]

TaskId = Annotated[
    str, Field(description="Task id, e.g. TASK-007 (task-7 works too)", min_length=1)
]
OptTaskId = Annotated[str | None, Field(description="Task id, e.g. TASK-007")]
TaskIds = Annotated[list[str] | None, Field(description="Task ids")]
Version = Annotated[
    int | None,
    Field(description="Version you read; refused if the task changed since", ge=1),
]
Verbose = Annotated[bool, Field(description="Full reply, past the 8 KB budget")]
Fields = Annotated[
    str | None,
    Field(description="Comma-separated fields per task instead of the one-line default"),
]
Limit = Annotated[int, Field(description="Max items (1-200)", ge=1, le=200)]
Note = Annotated[str | None, Field(description="Short note for the event log", max_length=2000)]


def any_case(*choices: str) -> BeforeValidator:
    """Take a choice in any case (`high` for HIGH), as every door does; anything else is
    left as sent, so the error names what came."""
    by_key = {c.lower(): c for c in choices}

    def convert(value: Any) -> Any:
        return by_key.get(value.strip().lower(), value) if isinstance(value, str) else value

    return BeforeValidator(convert)
