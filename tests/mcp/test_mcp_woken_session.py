"""A session woken after its lease lapsed still hears the person (found by bench/continuity.py).

The real door: `orchestron-mcp` over stdio with its default agent id, stopped
(SIGSTOP, a laptop asleep) past a 10 s lease while its task waits for a
person's answer; the person answers with the installed `orchestron` command.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from mcp_helpers import call

from mcp import Client, StdioServerParameters

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

BIN = Path(sys.executable).parent


def _orchestron(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    found = shutil.which("orchestron", path=str(BIN))
    assert found, "the orchestron console script is not installed"
    return subprocess.run([found, *args], cwd=root, capture_output=True, text=True, check=True)


def _server_pid() -> int:
    """The orchestron-mcp child the SDK started (in a process group of its own)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = stat.read_text().rsplit(")", 1)[1].split()[1]
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if ppid == str(os.getpid()) and b"orchestron-mcp" in cmdline:
            return int(stat.parent.name)
    raise AssertionError("no orchestron-mcp child found")


async def test_an_agent_woken_past_its_lease_gets_the_answer_it_waited_for(
    tmp_path: Path,
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    _orchestron(root, "init")
    config = root / ".orchestron" / "config.toml"
    config.write_text(config.read_text().replace("# lease_seconds = 300", "lease_seconds = 10"))
    _orchestron(root, "task", "add", "Orders API", "-c", "schema", "-c", "endpoints")
    server = shutil.which("orchestron-mcp", path=str(BIN))
    assert server
    async with Client(StdioServerParameters(command=server, args=[], cwd=root)) as agent:
        package = await call(agent, "resume")
        assert package["task"]["id"] == "TASK-001" and package["claimed"]
        await call(agent, "ask_human", {"question": "Which database?", "taskId": "TASK-001"})
        pid = _server_pid()
        os.kill(pid, signal.SIGSTOP)
        try:
            await anyio.sleep(11)  # past the lease: the session lapses, its claim goes
            _orchestron(root, "clarify", "TASK-001", "Use PostgreSQL")
        finally:
            os.kill(pid, signal.SIGCONT)
        await anyio.sleep(0.5)

        # The agent carries on where it was, as a real one would not know it slept.
        tick = {"taskId": "TASK-001", "checkpointsDone": [1]}
        replies = [await agent.call_tool("task_update", tick)]
        if replies[0].is_error:  # refused: it no longer holds the task; resume takes it back
            replies.append(await agent.call_tool("resume", {}))
        texts = [getattr(block, "text", "") for r in replies for block in r.content]

    read = sum(text.count("Use PostgreSQL") for text in texts)
    assert read == 1, texts
    _orchestron(root, "export", "-o", str(tmp_path / "export.json"))
    [answer] = json.loads((tmp_path / "export.json").read_text())["messages"]
    assert answer["delivered_at"] is not None
