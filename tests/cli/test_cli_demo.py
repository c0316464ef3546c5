"""`orchestron demo`: a throwaway project with two simulated agent sessions through the
real core, and commands to look around that all work."""

from __future__ import annotations

import asyncio
import shlex
import signal
import subprocess
from pathlib import Path

from cli_harness import Cli
from test_cli_setup import fetch

from orchestron.runtime import open_orchestron


def look_around(out: str) -> list[list[str]]:
    """The `orchestron ...` commands the demo suggests, as argument lists."""
    commands = []
    for line in out.splitlines():
        words = line.strip()
        if words.startswith("orchestron "):
            command = words.split("  ", 1)[0]
            commands.append(shlex.split(command)[1:])
    return commands


def test_demo_plays_two_agents_through_the_core(bare: Cli) -> None:
    folder = bare.cwd / "demo"
    out = bare("demo", "--dir", str(folder))
    assert f"a throwaway project in {folder.resolve()}" in out
    assert "claude-1" in out and "claude-2" in out

    async def state() -> tuple[int, list[str], int, int, int]:
        async with open_orchestron(str(folder / ".orchestron" / "orchestron.db")) as orch:
            tasks = await orch.count_tasks()
            sessions = sorted(s.status.value for s in await orch.list_sessions())
            handoffs = len(await orch.list_handoffs(pending_only=True))
            inbox = len(await orch.inbox())
            memory = len((await orch.list_memory()).entries)
            return tasks, sessions, handoffs, inbox, memory

    tasks, sessions, handoffs, inbox, memory = asyncio.run(state())
    assert tasks == 6 and handoffs == 1 and inbox == 1 and memory == 1
    assert sessions == ["ACTIVE", "ENDED"]
    assert (folder / ".orchestron" / "config.toml").is_file()
    assert "*" in (folder / ".orchestron" / ".gitignore").read_text()


def test_every_command_the_demo_suggests_works_there(bare: Cli) -> None:
    folder = bare.cwd / "demo"
    out = bare("demo", "--dir", str(folder))
    suggested = look_around(out)
    assert ["task", "list"] in suggested and ["dashboard"] in suggested
    there = Cli(folder, bare.env)
    for args in suggested:
        if args != ["dashboard"]:  # serves until Ctrl-C: the next test runs it
            there(*args)
    assert there("inbox").startswith("inbox empty")  # the suggested answer went through


def test_demo_into_a_folder_that_is_not_empty_is_refused(bare: Cli) -> None:
    (bare.cwd / "busy").mkdir()
    (bare.cwd / "busy" / "mine.txt").write_text("keep")
    err = bare.fails("demo", "--dir", str(bare.cwd / "busy"))
    assert "is not empty" in err and err.count("\n") == 1
    assert sorted(p.name for p in (bare.cwd / "busy").iterdir()) == ["mine.txt"]


def test_demo_without_a_folder_makes_a_temporary_one(bare: Cli) -> None:
    out = bare("demo")
    folder = Path(out.splitlines()[0].rsplit(" ", 1)[1])
    try:
        assert (folder / ".orchestron" / "orchestron.db").is_file()
        assert not (bare.cwd / ".orchestron").exists()
    finally:
        import shutil

        shutil.rmtree(folder)


def test_demo_can_start_the_dashboard_on_it(bare: Cli) -> None:
    folder = bare.cwd / "demo"
    with subprocess.Popen(
        [bare.exe, "demo", "--dir", str(folder), "--dashboard", "--port", "0"],
        cwd=bare.cwd,
        env=bare.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            url = ""
            for line in proc.stdout:
                if line.startswith("Orchestron dashboard: "):
                    url = line.split(": ", 1)[1].strip()
                    break
            assert url.startswith("http://127.0.0.1:"), url
            assert "Orders API" in fetch(url)
        finally:
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
