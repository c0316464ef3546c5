"""The root `orchestron` group: global options, lazy command loading, exit codes.

Each command lives in a module that is imported only when that command runs,
so `orchestron task list` never pays for `watch`, `export` or the dashboard.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from orchestron.cli._command import Group
from orchestron.cli._errors import (
    from_orchestron_error,
    internal_error,
    show_usage_error,
)
from orchestron.cli._project import Env

__all__ = ["cli", "run_cli"]

# name -> (module, attribute, one-line help, section); the help is here so that
# `orchestron --help` lists every command without importing any of them.
_COMMANDS: dict[str, tuple[str, str, str, str]] = {
    "task": ("_tasks", "task", "Add, list, show, edit, start and finish tasks.", "Work"),
    "next": ("_planning", "next_cmd", "Show the task to do next, and why.", "Work"),
    "checkpoint": (
        "_planning",
        "checkpoint",
        "Add a checkpoint to a task or tick one off.",
        "Work",
    ),
    "sprint": ("_sprints", "sprint", "Create, start, close, list and show sprints.", "Work"),
    "inbox": ("_human", "inbox", "Open requests from agents, most urgent first.", "Steer"),
    "answer": ("_human", "answer", "Answer an open request from the inbox.", "Steer"),
    "redirect": ("_human", "redirect", "Send a message no agent will read on.", "Steer"),
    "clarify": ("_human", "clarify", "Answer an agent's question about a task.", "Steer"),
    "intervene": ("_human", "intervene", "Send a message to the agent on a task.", "Steer"),
    "pause": ("_human", "pause", "Pause a task (its agent stops writing).", "Steer"),
    "resume": (
        "_human",
        "resume",
        "Resume a paused TASK, or show an agent's resume package.",
        "Steer",
    ),
    "approve": ("_human", "approve", "Approve a task in review (it becomes DONE).", "Steer"),
    "reject": ("_human", "reject", "Send a task in review back with feedback.", "Steer"),
    "memory": (
        "_memory",
        "memory",
        "Project memory: list, search, settle disputes, keep fresh.",
        "Steer",
    ),
    "watch": ("_watch", "watch", "Live view of sessions, tasks and events.", "Sessions"),
    "events": ("_watch", "events", "Print the event log.", "Sessions"),
    "session": ("_sessions", "session", "List, show and end agent sessions.", "Sessions"),
    "context": ("_sessions", "context", "Show the context an agent saved.", "Sessions"),
    "handoff": ("_sessions", "handoff", "List handoffs or prepare one from a session.", "Sessions"),
    "stats": ("_analytics", "stats", "Throughput, cycle time, velocity.", "Sessions"),
    "forecast": (
        "_analytics",
        "forecast",
        "When a sprint or epic will likely be done.",
        "Sessions",
    ),
    "init": ("_init", "init", "Create a project here (.orchestron/).", "Project"),
    "demo": (
        "_demo",
        "demo",
        "Try it in a throwaway project: a task graph, two simulated agents.",
        "Project",
    ),
    "setup": ("_claude_commands", "setup", "Connect Claude Code: MCP server and hooks.", "Project"),
    "hook": ("_claude_commands", "hook", "Run a Claude Code hook (its JSON on stdin).", "Project"),
    "mcp": ("_setup", "mcp", "Print the Claude Code set-up for this project.", "Project"),
    "dashboard": ("_setup", "dashboard", "Start the web dashboard.", "Project"),
    "export": ("_transfer", "export", "Write the whole project as JSON.", "Project"),
    "import": ("_transfer", "import_", "Load an export into an empty project.", "Project"),
    "migrate": (
        "_migrate",
        "migrate",
        "Move the project to another store (SQLite <-> PostgreSQL).",
        "Project",
    ),
}
_SECTIONS = ("Work", "Steer", "Sessions", "Project")


class LazyGroup(Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = _COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(f"orchestron.cli.{entry[0]}")
        command = getattr(module, entry[1])
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        for section in _SECTIONS:
            rows = [(name, e[2]) for name, e in _COMMANDS.items() if e[3] == section]
            with formatter.section(section):
                formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    metavar="PATH|URL",
    help="Database to use (a file, sqlite://PATH or postgresql://...). "
    "Default: $ORCHESTRON_DB, else the nearest .orchestron/ folder.",
)
@click.version_option(package_name="orchestron-cli", prog_name="orchestron")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """Orchestron: see and steer the work of your AI coding agents.

    Every read command takes --json. Human actions are recorded as
    human:<login> ($ORCHESTRON_ACTOR, else your OS user name).
    """
    ctx.obj = Env(db=db)


def run_cli(argv: Sequence[str] | None = None) -> None:
    """Run `cli` and turn every outcome into one line and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result: Any = cli.main(args=args, prog_name="orchestron", standalone_mode=False)
    except click.exceptions.Exit as exc:
        _exit(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        _exit(130)
    except click.UsageError as exc:  # what was typed is wrong: exit 2, with the usage line
        show_usage_error(exc)
        _exit(2)
    except click.ClickException as exc:  # CliError: refused, not found, and the like (exit 1)
        exc.show()
        _exit(exc.exit_code)
    except KeyboardInterrupt:
        _exit(130)
    except BrokenPipeError:
        _quiet_broken_pipe()
        _exit(0)
    except Exception as exc:
        from orchestron.core.errors import OrchestronError

        if isinstance(exc, OrchestronError):
            error: click.ClickException = from_orchestron_error(exc)
        elif os.environ.get("ORCHESTRON_DEBUG"):
            raise
        else:
            error = internal_error(exc)
        if isinstance(error, click.UsageError):
            show_usage_error(error)
            _exit(2)
        error.show()
        _exit(error.exit_code)
    _exit(result if isinstance(result, int) else 0)


def _exit(code: int) -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()
    sys.exit(code)


def _quiet_broken_pipe() -> None:
    """`orchestron task list | head`: the reader left; say nothing more."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
