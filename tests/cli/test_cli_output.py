"""Terminal versus pipe output, and what a command imports."""

from __future__ import annotations

import os
import pty
import subprocess

import anyio
import pytest
from cli_harness import Cli, open_project

HEAVY = ("mcp", "litestar", "networkx")


def imported(cli: Cli, *args: str) -> set[str]:
    """Top-level packages the command imported (Python's own -X importtime report)."""
    done = cli.run(*args, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert done.returncode == 0, done.stderr
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    assert "orchestron" in names  # the report really was on
    return names


@pytest.mark.parametrize(
    "args", [("task", "list"), ("next",), ("task", "show", "TASK-001"), ("sprint", "list")]
)
def test_reading_commands_import_no_heavy_package_and_no_rich_when_piped(
    cli: Cli, args: tuple[str, ...]
) -> None:
    cli("task", "add", "one")
    names = imported(cli, *args)
    assert not names & {*HEAVY, "rich"}, sorted(names & {*HEAVY, "rich"})


@pytest.mark.parametrize("args", [("task", "list"), ("next",), ("task", "show", "TASK-001")])
def test_a_read_on_sqlite_runs_without_an_event_loop(cli: Cli, args: tuple[str, ...]) -> None:
    """asyncio is a quarter of a read command's start-up; SQLite reads need none."""
    cli("task", "add", "one")
    names = imported(cli, *args)
    assert "asyncio" not in names


def test_a_read_with_a_notifier_configured_still_works_on_an_event_loop(cli: Cli) -> None:
    """A read may reap a lapsed session and so notify: then it runs on asyncio."""
    cli("task", "add", "one")
    config = cli.cwd / ".orchestron" / "config.toml"
    config.write_text("[notify]\nlog = true\n")
    names = imported(cli, "task", "list")
    assert "asyncio" in names
    assert "TASK-001" in cli("task", "list")


def test_help_and_json_stay_light(cli: Cli) -> None:
    names = imported(cli, "task", "list", "--json") | imported(cli, "--help")
    assert not names & {*HEAVY, "rich"}


def run_in_terminal(cli: Cli, *args: str) -> str:
    """Run with stdout on a pseudo-terminal, as a person at a terminal would."""
    leader, follower = pty.openpty()
    env = {**cli.env, "COLUMNS": "120", "LINES": "40", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [cli.exe, *args], cwd=cli.cwd, env=env, stdout=follower, stderr=subprocess.PIPE
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=30)
    os.close(leader)
    assert proc.stderr is not None
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.returncode == 0, err
    return b"".join(chunks).decode()


def test_a_terminal_gets_a_coloured_table(cli: Cli) -> None:
    cli("task", "add", "Colourful", "-p", "critical")
    cli("task", "add", "Started")
    cli("task", "start", "TASK-002")
    screen = run_in_terminal(cli, "task", "list")
    assert "\x1b[" in screen  # colour codes
    assert "Colourful" in screen and "IN_PROGRESS" in screen
    assert "─" in screen  # rich's table rule
    plain = cli("task", "list")
    assert "\x1b[" not in plain and "─" not in plain


def test_broken_pipe_is_quiet(cli: Cli) -> None:
    async def fill() -> None:
        async with open_project(cli) as orch:
            for i in range(400):
                await orch.create_task(f"task number {i} with a title long enough to fill a pipe")

    anyio.run(fill)
    done = subprocess.run(
        f"{cli.exe} task list --all --limit 0 --json | head -n 1",
        shell=True,
        check=False,
        cwd=cli.cwd,
        env=cli.env,
        capture_output=True,
        text=True,
    )
    assert done.stdout == "{\n"
    assert done.stderr == ""
