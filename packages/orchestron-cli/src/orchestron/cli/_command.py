"""Click command and group classes that map Orchestron's errors with the command at hand.

A core error raised anywhere in a command (parsing an option, or inside the
unit of work) becomes one `error: ...` line naming the option the user typed.
"""

from __future__ import annotations

from typing import Any

import click

from orchestron.core.errors import OrchestronError

__all__ = ["TASK_ID", "Command", "Group", "TaskIdType", "task_ref"]


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


class TaskIdType(click.ParamType[str, Any]):
    """A task id as typed: `TASK-007`, `task-7`, or just `7`."""

    name = "TASK"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        return task_ref(str(value))


def task_ref(text: str) -> str:
    """`7` -> `TASK-007`; anything else as typed (the core normalises `task-7`)."""
    text = text.strip()
    return f"TASK-{int(text):03d}" if text.isdigit() else text


TASK_ID = TaskIdType()
