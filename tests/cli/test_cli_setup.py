"""`init`, `mcp`, `dashboard`, help, exit codes and error lines."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

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
    # what works from here: this environment is the checkout's own (`uv sync`)
    checkout = Path(sys.prefix).parent
    assert f"install it with `uv sync --all-packages` in {checkout}" in done.stderr
    assert "pip install" not in done.stderr
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


def fetch(url: str, timeout: float = 30.0) -> str:
    """GET `url`, retrying while the server is still starting."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as page:
                return str(page.read().decode())
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_dashboard_starts_serves_and_stops_on_ctrl_c(cli: Cli) -> None:
    cli("task", "add", "Visible in the browser")
    with subprocess.Popen(
        [cli.exe, "dashboard", "--port", "0"],
        cwd=cli.cwd,
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            first = proc.stdout.readline()
            assert first.startswith("Orchestron dashboard: http://127.0.0.1:"), first
            url = first.split(": ", 1)[1].strip()
            assert "Visible in the browser" in fetch(url)
        finally:
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_dashboard_on_a_public_address_needs_a_token(cli: Cli) -> None:
    err = cli.fails("dashboard", "--host", "0.0.0.0", "--port", "0")
    assert err.startswith("error:") and "token" in err
    assert err.count("\n") == 1
