"""Every error becomes a line on stderr: `error: what was wrong; how to fix it`.

Orchestron's errors are mapped here, once: each keeps the core's reason
(which names the field, the cycle, the rule or the stale version), a field
is renamed to the option the user typed (`priority` becomes `--priority`),
and the core's hints become `orchestron` commands (see `_hints`).

Exit codes, one rule everywhere: a command line that is wrong (an unknown
option, a missing argument, a value that is not one of the choices, or any
value the core rejects for the option it came from) is a usage error, exit 2,
printed with the command's usage line; anything refused after that (not
found, a rule said no, a stale version, a store that cannot serve) exits 1.
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

__all__ = ["CliError", "from_orchestron_error", "internal_error", "show_usage_error"]


class CliError(click.ClickException):
    """An error the user can act on: one line, exit code 1."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        from orchestron.cli._render import terminal_safe

        prefix = click.style("error:", fg="red", bold=True)
        message = terminal_safe(self.format_message())
        click.echo(f"{prefix} {message}", file=file, err=file is None)


def show_usage_error(exc: click.UsageError) -> None:
    """`error: ...` and the command's usage line, for click's errors and ours alike."""
    prefix = click.style("error:", fg="red", bold=True)
    message = exc.format_message()
    message = message[:1].lower() + message[1:] if message[1:2].islower() else message
    click.echo(f"{prefix} {message.rstrip('.')}", err=True)
    ctx = exc.ctx
    if ctx is not None:
        usage = ctx.get_usage().removeprefix("Usage: ").strip()
        click.echo(f"usage: {usage}  ({ctx.command_path} -h for help)", err=True)


def from_orchestron_error(
    exc: OrchestronError, ctx: click.Context | None = None
) -> click.ClickException:
    """The single mapping from the core's errors to what the terminal shows."""
    from orchestron.cli._hints import render_hints

    ctx = ctx or click.get_current_context(silent=True)
    message = exc.reason
    steps = render_hints(exc.hints)
    if isinstance(exc, InvalidInputError):
        option = _option_name(ctx, exc.field)
        message = f"{option or exc.field}{message[len(exc.field) :]}"
        if option is not None and ctx is not None:
            return click.UsageError(exc.explain(steps, reason=message), ctx)
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
    return CliError(exc.explain(steps, reason=message))


def internal_error(exc: BaseException) -> CliError:
    text = str(exc) or type(exc).__name__
    return CliError(
        f"unexpected {type(exc).__name__}: {text} "
        "(a bug in Orchestron; set ORCHESTRON_DEBUG=1 to see the traceback)"
    )


def _option_name(ctx: click.Context | None, field: str) -> str | None:
    """`--priority` for the field `priority` when the command has that option; else None."""
    if ctx is None:
        return None
    wanted = field.replace("-", "_")
    for param in ctx.command.params:
        names = {param.name or "", *(o.lstrip("-").replace("-", "_") for o in param.opts)}
        if wanted in {n.rstrip("_") for n in names if n}:
            if isinstance(param, click.Option):
                return max(param.opts, key=len)
            return param.human_readable_name
    return None
