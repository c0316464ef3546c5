"""Click command and group classes that map Orchestron's errors with the command at hand.

A core error raised anywhere in a command (parsing an option, or inside the
unit of work) becomes one `error: ...` line naming the option the user typed.
"""

from __future__ import annotations

from typing import Any

import click

from orchestron.core.errors import OrchestronError

__all__ = ["SPRINT_ID", "TASK_ID", "Command", "Group", "IdType", "ref", "task_ref"]


class Command(click.Command):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OrchestronError as exc:
            from orchestron.cli._errors import from_orchestron_error

            raise from_orchestron_error(exc, ctx) from None


class Group(click.Group):
    command_class = Command
    group_class = type  # subgroups are Groups too

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OrchestronError as exc:
            from orchestron.cli._errors import from_orchestron_error

            raise from_orchestron_error(exc, ctx) from None


class IdType(click.ParamType[str, Any]):
    """An id as typed: `TASK-007`, `task-7`, or just `7`."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.name = prefix

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        return ref(str(value), self.prefix)


def ref(text: str, prefix: str = "TASK") -> str:
    """`7` -> `TASK-007`; anything else as typed (the core normalises `task-7`)."""
    text = text.strip()
    return f"{prefix}-{int(text):03d}" if text.isdigit() else text


def task_ref(text: str) -> str:
    return ref(text, "TASK")


TASK_ID = IdType("TASK")
SPRINT_ID = IdType("SPRINT")
