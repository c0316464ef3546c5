"""Output a person reads: tables that fit 80 columns, no Python reprs, plurals right,
no stale lease on an ended session, no `blocking False`.

The command runs as a subprocess, piped with COLUMNS=80 (the plain table) and on a
real pseudo-terminal 80 columns wide (rich's table, as a person at a terminal sees it).
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import termios
from typing import Any

import anyio
from cli_harness import Cli, open_project

from orchestron.core import Orchestron

LONG = "Parse the configuration file and report every error with its line and column"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def on_project(cli: Cli, action: Any) -> Any:
    async def go() -> Any:
        async with open_project(cli, actor="claude-1") as orch:
            return await action(orch)

    return anyio.run(go)


def on_terminal(cli: Cli, *args: str, columns: int = 80) -> str:
    """Run `orchestron ARGS` on a pseudo-terminal `columns` wide; what it showed."""
    env = {k: v for k, v in cli.env.items() if k not in ("COLUMNS", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the terminal as its stdout
        os.chdir(cli.cwd)
        os.execvpe(cli.exe, [cli.exe, *args], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, out.decode(errors="replace")
    return ANSI.sub("", out.decode()).replace("\r\n", "\n")


def _tasks(cli: Cli) -> None:
    cli("task", "add", LONG, "-p", "high")
    cli("task", "add", "Short one")


def test_a_piped_table_fits_columns_cuts_the_title_and_drops_empty_columns(cli: Cli) -> None:
    _tasks(cli)
    out = cli.run("task", "list", env={"COLUMNS": "80"}).stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80, out
    assert lines[0].split() == ["ID", "TYPE", "STATUS", "PRIORITY", "PROGRESS", "TITLE"]
    first = lines[1]
    assert first.startswith("TASK-001") and first.endswith("…") and LONG[:30] in first
    assert len(lines) == 3  # one line a task: nothing wraps


def test_a_column_with_something_in_it_stays(cli: Cli) -> None:
    _tasks(cli)

    async def take(orch: Orchestron) -> None:
        session = await orch.start_session("claude-1")
        await orch.claim("TASK-002", session.id)

    on_project(cli, take)
    out = cli.run("task", "list", env={"COLUMNS": "80"}).stdout
    assert "OWNER" in out.splitlines()[0] and "claude-1" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_piped_with_no_width_nothing_is_cut(cli: Cli) -> None:
    _tasks(cli)
    out = cli.run("task", "list", env={"COLUMNS": ""}).stdout
    assert LONG in out and "…" not in out


def test_on_an_80_column_terminal_every_table_fits(cli: Cli) -> None:
    _tasks(cli)
    cli(
        "memory",
        "add",
        "Dates are stored as UTC ISO-8601 text " * 3,
        "-k",
        "fact",
        "--topic",
        "dates",
    )
    for args in (("task", "list"), ("next", "-n", "5"), ("memory", "list"), ("inbox",)):
        shown = on_terminal(cli, *args)
        widths = [len(line.rstrip()) for line in shown.splitlines()]
        assert max(widths) <= 80, (args, shown)
    shown = on_terminal(cli, "task", "list")
    row = next(line for line in shown.splitlines() if line.startswith("TASK-001"))
    assert "…" in row and "owner" not in shown.lower()


def test_saved_context_prints_as_lines_not_a_python_dict(cli: Cli) -> None:
    cli("task", "add", "a")

    async def save(orch: Orchestron) -> None:
        session = await orch.start_session("claude-1")
        await orch.save_context(
            session.id,
            {
                "next_steps": ["validate keys"],
                "critical_decisions": {"format": "TOML, not YAML"},
                "open_questions": [],
            },
        )

    on_project(cli, save)
    out = cli("context", "show")
    assert "critical decisions:\n    format: TOML, not YAML" in out
    assert "next steps:\n    - validate keys" in out
    for repr_mark in ("{", "}", "['", "':"):
        assert repr_mark not in out, out
    assert "open questions" not in out  # empty: left out


def test_an_ended_session_shows_no_lease(cli: Cli) -> None:
    async def start(orch: Orchestron) -> str:
        return (await orch.start_session("claude-1")).id

    sid = on_project(cli, start)
    live = cli("session", "show", sid)
    assert re.search(r"lease:\s+expires in \d+m", live)
    cli("session", "end", sid)
    ended = cli("session", "show", sid)
    assert "ENDED" in ended and "lease" not in ended and "expires" not in ended


def test_flags_in_the_event_log_read_as_words(cli: Cli) -> None:
    cli("task", "add", "a")

    async def ask(orch: Orchestron) -> None:
        await orch.request_clarification("TASK-001", "Which?", blocking=False)
        await orch.request_clarification("TASK-001", "And?", blocking=True)

    on_project(cli, ask)
    for out in (cli("task", "show", "TASK-001"), cli("events")):
        opened = [line for line in out.splitlines() if "request.opened" in line]
        assert len(opened) == 2, out
        assert "False" not in out and "True" not in out
        assert [" blocking" in line for line in opened] == [False, True]
    assert "TODO → BLOCKED" in cli("events")


def test_counts_read_right(cli: Cli) -> None:
    cli("task", "add", "first")
    cli("task", "add", "second", "--depends-on", "TASK-001")
    assert "unblocks: 1 task\n" in cli("next")
    assert ": 1 work item left\n" in cli("forecast", "--task", "TASK-001")
    stats = cli("stats", "--days", "1")
    assert "the last 1 day " in stats
    assert "0 finished tasks have both" in stats
