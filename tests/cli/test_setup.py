"""`init`, `mcp`, `dashboard`, help, exit codes and error lines."""

from __future__ import annotations

import json
import subprocess
import sys

from cli_harness import Cli


def test_init_creates_the_project_and_a_commented_config(bare: Cli) -> None:
    out = bare("init")
    assert "Created an Orchestron project" in out
    assert bare.db.is_file()
    config = (bare.cwd / ".orchestron" / "config.toml").read_text()
    assert config.lstrip().startswith("#")
    assert bare("task", "list").strip().startswith("no tasks")


def test_init_twice_keeps_the_project(cli: Cli) -> None:
    cli("task", "add", "keep me")
    again = cli.run("init")
    assert again.returncode == 0
    assert "already exists" in again.stdout
    assert "keep me" in cli("task", "list")


def test_init_with_db_creates_the_file_there(bare: Cli) -> None:
    target = bare.cwd / "elsewhere" / "board.db"
    bare("--db", str(target), "init")
    assert target.is_file()
    bare("--db", str(target), "task", "add", "there")
    assert "there" in bare("--db", str(target), "task", "list")


def test_a_command_outside_a_project_says_how_to_start(bare: Cli) -> None:
    err = bare.fails("task", "list")
    assert err.count("\n") == 1, err
    assert err.startswith("error: no Orchestron project")
    assert "orchestron init" in err
    assert "Traceback" not in err


def test_usage_errors_exit_2(cli: Cli) -> None:
    cli.fails("task", "add", code=2)
    cli.fails("no-such-command", code=2)
    cli.fails("task", "list", "--limit", "many", code=2)


def test_help_lists_every_command_in_sections(bare: Cli) -> None:
    out = bare("--help")
    for section in ("Work:", "Steer:", "Sessions:", "Project:"):
        assert section in out
    for name in ("task", "next", "intervene", "pause", "approve", "watch", "export", "mcp"):
        assert f"  {name} " in out


def test_version(bare: Cli) -> None:
    assert bare("--version").startswith("orchestron, version")


def test_mcp_prints_the_claude_code_setup(cli: Cli) -> None:
    out = cli("mcp")
    assert "claude mcp add orchestron -- orchestron-mcp" in out
    assert ".mcp.json" in out
    document = cli.json("mcp")
    assert document == {"mcpServers": {"orchestron": {"command": "orchestron-mcp", "args": []}}}


def test_mcp_passes_an_explicit_database_on(bare: Cli) -> None:
    target = bare.cwd / "board.db"
    bare("--db", str(target), "init")
    document = json.loads(bare("--db", str(target), "mcp", "--json"))
    assert document["mcpServers"]["orchestron"]["env"] == {"ORCHESTRON_DB": str(target)}
    assert f"-e ORCHESTRON_DB={target} -- orchestron-mcp" in bare("--db", str(target), "mcp")


def test_dashboard_says_how_to_install_it_when_missing(cli: Cli) -> None:
    # the workspace installs the dashboard; hide it the way a missing package looks
    code = (
        "import sys; sys.modules['orchestron.dashboard'] = None; "
        "from orchestron.cli import main; main(['dashboard'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=cli.cwd,
        env=cli.env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "pip install orchestron-dashboard" in done.stderr
    assert done.stderr.count("\n") == 1


def test_python_dash_m_runs_the_same_command(cli: Cli) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "orchestron.cli", "task", "list", "--json"],
        check=False,
        cwd=cli.cwd,
        env=cli.env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"tasks": [], "next_after": None}
