"""`init`, `mcp` and `dashboard`: setting a project up and opening its other doors."""

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
from orchestron.cli._render import fields, json_option, print_json, say

__all__ = ["FALLBACK_CONFIG_TOML", "dashboard", "init", "mcp"]

FALLBACK_CONFIG_TOML = """\
# Orchestron project settings. Every line below is commented out: the value
# shown is the default. Uncomment a line to change it.

[sessions]
# lease_seconds = 300          # a silent session is abandoned after this; its tasks are released

[context]
# budget_bytes = 4096          # saved context is compressed to this size

[workflow]
# auto_complete_parents = true # a parent becomes DONE when all its children are

[notify]
# log = false                  # one line per notification on stderr
"""


def _config_text() -> str:
    try:
        config = importlib.import_module("orchestron.core.config")
    except ImportError:
        return FALLBACK_CONFIG_TOML
    return str(getattr(config, "DEFAULT_CONFIG_TOML", FALLBACK_CONFIG_TOML))


@click.command(cls=Command)
@pass_env
def init(env: Env) -> None:
    """Create a project here: .orchestron/ with the database and a commented config.

    With --db (or ORCHESTRON_DB) the database is created there instead. An
    existing project is left as it is.
    """
    from orchestron.runtime import DB_FILE, PROJECT_DIR, locate_store

    explicit = env.db or os.environ.get("ORCHESTRON_DB")
    if explicit:
        location = locate_store(explicit)
        db_path, project_dir = location.path, location.project_dir
        target = str(db_path) if db_path else explicit
    else:
        project_dir = Path.cwd() / PROJECT_DIR
        db_path = project_dir / DB_FILE
        target = str(db_path)
    if db_path is not None and db_path.exists():
        say(f"an Orchestron project already exists at {db_path}; nothing changed")
        return
    if db_path is not None:
        db_path.parent.mkdir(parents=True, exist_ok=True)

    async def create(_orch: object) -> None:
        return None

    Env(target, env.actor).run(create, create=True)
    config_path = None
    if project_dir is not None and db_path is not None and db_path.parent == project_dir:
        config_path = project_dir / "config.toml"
        if not config_path.exists():
            from orchestron.runtime import write_file

            write_file(config_path, _config_text())
    say(f"Created an Orchestron project in {project_dir or target}", "green")
    fields([("database", target), ("config", str(config_path) if config_path else "")])
    say('next: orchestron task add "First task"   |   orchestron mcp (connect Claude Code)')


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
    for line in json.dumps(document, indent=2).splitlines():
        say("   " + line, "cyan")
    say("")
    if found:
        say(f"orchestron-mcp is at {found}; if Claude Code cannot find it, use that full path.")
    else:
        say("orchestron-mcp is not on PATH: install it with `pip install orchestron-mcp`.", "red")
    say("Check with `claude mcp list`: orchestron should show as connected.")


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
        raise CliError(
            "the dashboard is not installed; install it with `pip install orchestron-dashboard` "
            "(or `uv sync --all-packages` in a checkout)"
        )
    module = importlib.import_module("orchestron.dashboard")
    serve = getattr(module, "serve", None)
    if not callable(serve):
        raise CliError(
            "this orchestron-dashboard has no serve(); upgrade it: "
            "pip install -U orchestron-dashboard"
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
