"""The `hook` and `setup claude` commands of the `orchestron` group.

`orchestron hook EVENT` normally never reaches click: `orchestron.cli.main`
sends it straight to `_hooks.run`, which imports only the standard library.
The command here is the same thing for `orchestron --db PATH hook EVENT`,
and what `orchestron --help` lists.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from orchestron.cli._claude_files import MCP_FILE, SETTINGS_FILE, SetupError
from orchestron.cli._claude_setup import ClaudeSetup, find_root
from orchestron.cli._command import Command, Group
from orchestron.cli._errors import CliError

__all__ = ["hook", "setup"]


@click.command(cls=Command, context_settings={"ignore_unknown_options": True})
@click.argument("event")
@click.pass_context
def hook(ctx: click.Context, event: str) -> None:
    """Run a Claude Code hook: EVENT is SessionStart, UserPromptSubmit, PreToolUse,
    PostToolUse, PreCompact or SessionEnd; Claude Code's hook JSON comes on stdin.

    It always exits 0: a hook never breaks the agent's session.
    """
    from orchestron.cli._hooks import run

    db = getattr(ctx.obj, "db", None)
    environ = dict(os.environ)
    if db:
        environ["ORCHESTRON_DB"] = db
    ctx.exit(run([event], environ=environ))


@click.group(cls=Group)
def setup() -> None:
    """Connect a coding agent to this project."""


@setup.command("claude", cls=Command)
@click.option(
    "--check", "mode", flag_value="check", help="Say what is in place and what is missing."
)
@click.option("--remove", "mode", flag_value="remove", help="Take out only what setup added.")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Project folder (default: the one holding the nearest .orchestron/, else here).",
)
@click.pass_context
def claude(ctx: click.Context, mode: str | None, folder: Path | None) -> None:
    """Write the project's .mcp.json (the orchestron MCP server) and the Claude Code
    hooks in .claude/settings.json, keeping everything already there.

    Both name the commands, so the team can commit them; this machine's part (a
    --db path, a PATH when the commands are not on it) goes into
    .claude/settings.local.json, which git is made to ignore. With the
    Orchestron plugin enabled it adds nothing. Running it again changes nothing;
    --remove takes out only what it added.
    """
    db = getattr(ctx.obj, "db", None) or os.environ.get("ORCHESTRON_DB") or None
    if db and "://" not in db:
        db = str(Path(db).expanduser().resolve())
    root = (folder or find_root()).resolve()
    plan = ClaudeSetup(root, db=db)
    try:
        if mode == "check":
            status = plan.check()
            for state, line in status.lines:
                click.echo(f"{state:8} {line}")
            if not status.ok:
                bad = sum(state != "ok" for state, _ in status.lines)
                click.echo(f"{bad} to fix; each line above says how")
                ctx.exit(1)
            return
        lines = plan.remove() if mode == "remove" else plan.install()
    except SetupError as exc:
        raise CliError(str(exc)) from None
    for line in lines:
        click.echo(line)
    if mode is None and not lines[0].startswith("the Orchestron plugin"):
        click.echo(
            f"Claude Code in {root} now starts the orchestron MCP server and runs its hooks. "
            f"Commit {MCP_FILE} and {SETTINGS_FILE}; check with `orchestron setup claude "
            "--check` and `claude mcp list`."
        )
