"""Argument types shared by the tools, with the short descriptions a model reads."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

__all__ = [
    "LOWER",
    "UPPER",
    "Fields",
    "Limit",
    "Note",
    "OptTaskId",
    "TaskId",
    "TaskIds",
    "Verbose",
    "Version",
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


def _cased(change: str) -> BeforeValidator:
    def convert(value: Any) -> Any:
        return getattr(value.strip(), change)() if isinstance(value, str) else value

    return BeforeValidator(convert)


# Choices are accepted in any case, as at every door (`high`, `HIGH`); the schema lists
# them in the case the tool shows them.
UPPER = _cased("upper")
LOWER = _cased("lower")
