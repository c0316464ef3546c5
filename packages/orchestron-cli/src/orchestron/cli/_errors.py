"""Every error becomes one line on stderr: `error: what was wrong; how to fix it`.

Orchestron's errors are mapped here, once: each keeps the core's message
(which names the field, the cycle, the rule or the stale version) and a field
is renamed to the option the user typed (`priority` becomes `--priority`).
"""

from __future__ import annotations

from typing import IO, Any

import click

from orchestron.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    OrchestronError,
    StorageError,
)

__all__ = ["CliError", "from_orchestron_error", "internal_error"]


class CliError(click.ClickException):
    """An error the user can act on: one line, exit code 1."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        from orchestron.cli._render import terminal_safe

        prefix = click.style("error:", fg="red", bold=True)
        message = terminal_safe(self.format_message())
        click.echo(f"{prefix} {message}", file=file, err=file is None)


def from_orchestron_error(exc: OrchestronError, ctx: click.Context | None = None) -> CliError:
    """The single mapping from the core's errors to what the terminal shows."""
    ctx = ctx or click.get_current_context(silent=True)
    message = exc.message
    if isinstance(exc, InvalidInputError):
        message = f"{_option_name(ctx, exc.field)}{message[len(exc.field) :]}"
    elif isinstance(exc, NotFoundError) and exc.entity == "project":
        message = (
            f"no Orchestron project in {exc.ident} or above; "
            "run `orchestron init` here, or pass --db PATH (or set ORCHESTRON_DB)"
        )
    elif isinstance(exc, NotFoundError) and exc.entity == "database":
        message = f"no database at {exc.ident}; run `orchestron init` to create the project"
    elif isinstance(exc, ConflictError) and not message.endswith("retry"):
        message += "; run the command again"
    elif isinstance(exc, StorageError) and exc.retryable:
        message += "; try again in a moment"
    return CliError(message)


def internal_error(exc: BaseException) -> CliError:
    text = str(exc) or type(exc).__name__
    return CliError(
        f"unexpected {type(exc).__name__}: {text} "
        "(a bug in Orchestron; set ORCHESTRON_DEBUG=1 to see the traceback)"
    )


def _option_name(ctx: click.Context | None, field: str) -> str:
    """`--priority` for the field `priority` when the command has that option."""
    if ctx is None:
        return field
    wanted = field.replace("-", "_")
    for param in ctx.command.params:
        if param.name is not None and param.name.rstrip("_") == wanted:
            if isinstance(param, click.Option):
                return max(param.opts, key=len)
            return param.human_readable_name
    return field
