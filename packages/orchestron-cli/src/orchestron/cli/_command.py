"""Click command and group classes that map Orchestron's errors with the command at hand.

A core error raised anywhere in a command (parsing an option, or inside the
unit of work) becomes one `error: ...` line naming the option the user typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from orchestron.core.domain.ids import MAX_NUMBER, parse_count, parse_id
from orchestron.core.errors import InvalidInputError, OrchestronError

__all__ = [
    "SPRINT_ID",
    "TASK_ID",
    "Command",
    "Count",
    "Group",
    "IdType",
    "Seconds",
    "ref",
    "task_ref",
]


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
        try:
            return ref(str(value), self.prefix)
        except InvalidInputError as exc:
            self.fail(_reason(exc), param, ctx)


class Count(click.ParamType[int, Any]):
    """A whole number from `low` to `high` (the core's parser: no 5,000-digit echo, no 2**63)."""

    name = "integer"

    def __init__(self, low: int = 0, high: int = MAX_NUMBER) -> None:
        self.low = low
        self.high = high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            return parse_count(value, "value", low=self.low, high=self.high)
        except InvalidInputError as exc:
            self.fail(_reason(exc), param, ctx)


class Seconds(click.ParamType[float, Any]):
    """A finite number of seconds from `low` to `high` (NaN and inf are refused)."""

    name = "seconds"

    def __init__(self, low: float, high: float) -> None:
        self.low = low
        self.high = high

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        from orchestron.core.domain.validation import check_number

        try:
            number = float(value) if isinstance(value, str) else value
            return check_number(number, "value", low=self.low, high=self.high, what="seconds")
        except ValueError:
            self.fail(f"must be a number of seconds, not {value[:40]!r}", param, ctx)
        except InvalidInputError as exc:
            self.fail(_reason(exc), param, ctx)


def _reason(exc: InvalidInputError) -> str:
    return exc.message.removeprefix(f"{exc.field}: ")


def ref(text: str, prefix: str = "TASK") -> str:
    """`7` -> `TASK-007`; anything else as typed, once the core's id parser has checked its
    length and number (the core normalises `task-7` itself)."""
    checked = parse_id(text, prefix=prefix)
    stripped = text.strip()
    return checked if stripped.isascii() and stripped.isdigit() else stripped


def task_ref(text: str) -> str:
    return ref(text, "TASK")


TASK_ID = IdType("TASK")
SPRINT_ID = IdType("SPRINT")
