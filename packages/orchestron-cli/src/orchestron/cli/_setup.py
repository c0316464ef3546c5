"""`mcp` and `dashboard`: how to reach a project through its other doors."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import inspect
import json
import os
import shutil
from pathlib import Path

import click

from orchestron.cli._command import Command, Count
from orchestron.cli._errors import CliError
from orchestron.cli._project import Env, pass_env
from orchestron.cli._render import json_option, print_json, say

__all__ = ["dashboard", "mcp"]


def _mcp_setup(env: Env) -> tuple[Path, dict[str, object], list[str]]:
    """The project root, the .mcp.json document and the `claude mcp add` command."""
    from orchestron.core.errors import NotFoundError
    from orchestron.runtime import locate_store

    explicit = env.db or os.environ.get("ORCHESTRON_DB")
    try:
        location = locate_store(env.db)
        root = location.project_dir.parent if location.project_dir else Path.cwd()
    except NotFoundError:
        root = Path.cwd()
    server: dict[str, object] = {"command": "orchestron-mcp", "args": []}
    add = ["claude", "mcp", "add", "orchestron"]
    if explicit:
        db = explicit
        if "://" not in explicit:
            db = str(Path(explicit).expanduser().resolve())
        server["env"] = {"ORCHESTRON_DB": db}
        add += ["-e", f"ORCHESTRON_DB={db}"]
    add += ["--", "orchestron-mcp"]
    return root, {"mcpServers": {"orchestron": server}}, add


@click.command(cls=Command)
@json_option
@pass_env
def mcp(env: Env, as_json: bool) -> None:
    """Print how to connect Claude Code to this project (nothing is changed)."""
    import shlex

    root, document, add = _mcp_setup(env)
    if as_json:
        print_json(document)
        return
    found = shutil.which("orchestron-mcp")
    say(f"Connect Claude Code to the Orchestron project in {root}:", "bold")
    say("")
    say("1. Either add the server for yourself (run this in the project folder):")
    say("")
    say("   " + shlex.join(add), "cyan")
    say("")
    say(f"2. Or share it with the team: save this as {root / '.mcp.json'}")
    say("")
    shared = {"mcpServers": {"orchestron": {"command": "orchestron-mcp", "args": []}}}
    for line in json.dumps(shared, indent=2).splitlines():
        say("   " + line, "cyan")
    db = document_db(document)
    if db:
        say("")
        say("   and this machine's database in .claude/settings.local.json (git must ignore it):")
        say("   " + json.dumps({"env": {"ORCHESTRON_DB": db}}), "cyan")
    say("")
    say("`orchestron setup claude` writes these files (and the hooks) for you.")
    say(where_is("orchestron-mcp"), "" if found else "red")
    say("Check with `claude mcp list`: orchestron should show as connected.")


def document_db(document: dict[str, object]) -> str:
    servers = document.get("mcpServers")
    server = servers.get("orchestron") if isinstance(servers, dict) else None
    env = server.get("env") if isinstance(server, dict) else None
    value = env.get("ORCHESTRON_DB") if isinstance(env, dict) else None
    return value if isinstance(value, str) else ""


def where_is(command: str) -> str:
    """Where `command` is, for a person wiring Claude Code to it; how to get it if missing."""
    import sys

    from orchestron.cli._claude_files import command_advice

    found = shutil.which(command)
    if found:
        return f"{command} is on PATH ({found}), so Claude Code finds it by name."
    return command_advice(command, Path(sys.executable).parent) + "."


class _NeverRaised(Exception):
    """Stands in for a dashboard error class an older dashboard does not have."""


@click.command(cls=Command)
@click.option("--host", help="Address to bind (default 127.0.0.1; any other needs a token).")
@click.option(
    "--port", type=Count(high=65535), help="Port to listen on (default 8765; 0 picks a free one)."
)
@click.option(
    "--token",
    envvar="ORCHESTRON_DASHBOARD_TOKEN",
    help="Bearer token required to use it ($ORCHESTRON_DASHBOARD_TOKEN).",
)
@pass_env
def dashboard(env: Env, host: str | None, port: int | None, token: str | None) -> None:
    """Start the web dashboard for this project (Ctrl-C stops it)."""
    try:
        spec = importlib.util.find_spec("orchestron.dashboard")
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        from orchestron.runtime import install_hint

        raise CliError(f"the dashboard is not installed; {install_hint('orchestron-dashboard')}")
    module = importlib.import_module("orchestron.dashboard")
    serve = getattr(module, "serve", None)
    if not callable(serve):
        from orchestron.runtime import install_hint

        raise CliError(
            "this orchestron-dashboard is older than this orchestron (it has no serve()); "
            + install_hint("orchestron-dashboard")
        )
    insecure: type[Exception] = getattr(module, "InsecureBindError", _NeverRaised)
    options: dict[str, object] = {"db": env.db, "token": token}
    if host is not None:
        options["host"] = host
    if port is not None:
        options["port"] = port
    try:
        result = serve(**options)
        if inspect.isawaitable(result):
            asyncio.run(result)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        where = f"{host or '127.0.0.1'}:{port if port is not None else 8765}"
        raise CliError(f"cannot listen on {where}: {exc.strerror or exc}") from None
    except insecure as exc:  # a public address without a token
        raise CliError(str(exc)) from None
    say("dashboard stopped")
