"""`watch` in a real terminal (tmux), `watch` piped, and `events`."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator

import anyio
import pytest
from cli_harness import Cli, open_project


class Tmux:
    """A private tmux server (its own socket) running one window."""

    def __init__(self) -> None:
        exe = shutil.which("tmux")
        if exe is None:
            pytest.skip("tmux is not installed (CI installs it)")
        self.exe = exe
        self.socket = f"orchestron-test-{uuid.uuid4().hex[:8]}"

    def __call__(self, *args: str) -> str:
        done = subprocess.run(
            [self.exe, "-L", self.socket, *args],
            check=False,
            capture_output=True,
            text=True,
            timeout=10,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "main")

    def wait_for(self, seen: Callable[[str], bool], timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if seen(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"not seen within {timeout} s; the screen:\n{text}")
            time.sleep(0.2)

    def kill(self) -> None:
        subprocess.run(
            [self.exe, "-L", self.socket, "kill-server"], check=False, capture_output=True
        )


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    t = Tmux()
    yield t
    t.kill()


def start_watch(tmux: Tmux, cli: Cli, *args: str) -> None:
    env = {k: v for k, v in cli.env.items() if k in ("HOME", "PATH", "ORCHESTRON_ACTOR")}
    env["TERM"] = "xterm-256color"
    command = " ".join(
        [
            "env",
            "-u",
            "COLUMNS",
            "-u",
            "LINES",
            *(shlex.quote(f"{k}={v}") for k, v in env.items()),
            shlex.quote(cli.exe),
            "watch",
            *map(shlex.quote, args),
            '; echo "watch exited with $?"; sleep 60',
        ]
    )
    tmux("new-session", "-d", "-s", "main", "-x", "200", "-y", "50", "-c", str(cli.cwd), command)


def test_watch_shows_a_change_made_by_another_process_and_quits_on_ctrl_c(
    cli: Cli, tmux: Tmux
) -> None:
    cli("task", "add", "Wire the payment API")
    start_watch(tmux, cli)
    tmux.wait_for(lambda s: "orchestron watch" in s and "waiting for events" in s)

    cli("task", "start", "TASK-001")  # another process changes the task
    screen = tmux.wait_for(lambda s: "task.status_changed" in s)
    assert "TASK-001" in screen and "IN_PROGRESS" in screen
    assert "Wire the payment API" in screen  # listed among tasks in flight

    cli("checkpoint", "add", "TASK-001", "charge the card")
    tmux.wait_for(lambda s: "task.checkpoint_added" in s)

    cli("task", "add", "Send the receipt")

    async def agent_takes_it() -> None:
        async with open_project(cli, actor="claude-1") as orch:
            session = await orch.start_session("claude-1")
            await orch.claim("TASK-002", session.id)

    anyio.run(agent_takes_it)  # an agent session appears with its task
    screen = tmux.wait_for(lambda s: "task.claimed" in s and "SES-001" in s)
    assert "claude-1" in screen and "TASK-002 Send the receipt" in screen, screen

    tmux("send-keys", "-t", "main", "C-c")
    screen = tmux.wait_for(lambda s: "watch exited with" in s)
    assert "watch exited with 0" in screen
    assert "Traceback" not in screen and "KeyboardInterrupt" not in screen


def test_watch_once_and_piped(cli: Cli) -> None:
    cli("task", "add", "one")
    cli("task", "start", "TASK-001")
    out = cli("watch", "--once")
    assert "TASK-001" in out and "IN_PROGRESS" in out
    assert "task.status_changed TASK-001" in out
    snapshot = json.loads(cli("watch", "--once", "--json"))
    assert [t["id"] for t in snapshot["in_flight"]] == ["TASK-001"]
    assert snapshot["events"][-1]["kind"] == "task.status_changed"


def test_watch_piped_streams_new_events_as_lines(cli: Cli) -> None:
    with subprocess.Popen(
        [cli.exe, "watch", "--json", "--interval", "0.2"],
        cwd=cli.cwd,
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stderr is not None and proc.stdout is not None
            assert "watching" in proc.stderr.readline()  # started: it read the log's end
            cli("task", "add", "streamed")
            event = json.loads(proc.stdout.readline())
            assert event["kind"] == "task.created" and event["entity"] == "TASK-001"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_events(cli: Cli) -> None:
    cli("task", "add", "a")
    cli("task", "add", "b")
    cli("task", "start", "TASK-002")
    lines = cli("events").splitlines()
    assert len(lines) == 3 and lines[0].startswith("#1 ")
    assert "human:tester task.created TASK-001" in lines[0]
    assert len(cli("events", "-n", "1").splitlines()) == 1
    only = cli.json("events", "--entity", "task-2")["events"]
    assert [e["kind"] for e in only] == ["task.created", "task.status_changed"]
    kinds = cli.json("events", "--kind", "task.status_changed")["events"]
    assert [e["seq"] for e in kinds] == [3]
    assert [e["seq"] for e in cli.json("events", "--after", "2")["events"]] == [3]
