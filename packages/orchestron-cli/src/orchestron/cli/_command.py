"""Click command and group classes that map Orchestron's errors with the command at hand.

A core error raised anywhere in a command (parsing an option, or inside the
unit of work) becomes one `error: ...` line naming the option the user typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from orchestron.core.errors import OrchestronError

__all__ = ["SPRINT_ID", "TASK_ID", "Command", "Group", "IdType", "ref", "task_ref"]


class Command(click.Command):
    def invoke(self, ctx: click.Context) -> Any:
        return _mapped(lambda: super(Command, self).invoke(ctx), ctx)


class Group(click.Group):
    command_class = Command
    group_class = type  # subgroups are Groups too

    def invoke(self, ctx: click.Context) -> Any:
        return _mapped(lambda: super(Group, self).invoke(ctx), ctx)


def _mapped(call: Callable[[], Any], ctx: click.Context) -> Any:
    """Run a command: core errors mapped with the command at hand, usage errors given it."""
    try:
        return call()
    except OrchestronError as exc:
        from orchestron.cli._errors import from_orchestron_error

        raise from_orchestron_error(exc, ctx) from None
    except click.UsageError as exc:
        if exc.ctx is None:  # raised in a command's body: say whose usage it was
            raise click.UsageError(exc.message, ctx) from None
        raise


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
