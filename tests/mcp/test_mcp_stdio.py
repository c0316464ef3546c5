"""The installed `orchestron-mcp` as a real subprocess over stdio, as Claude Code runs it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from mcp_helpers import call, wire_lines

from mcp import Client, StdioServerParameters

pytestmark = [
    pytest.mark.anyio,
]


def _command() -> str:
    found = shutil.which("orchestron-mcp", path=str(Path(sys.executable).parent))
    assert found, "orchestron-mcp is not installed in this environment"
    return found


def server(db: Path, *args: str, env: dict[str, str] | None = None) -> Client:
    params = StdioServerParameters(command=_command(), args=["--db", str(db), *args], env=env)
    return Client(params)


async def test_progress_written_by_one_process_is_read_by_another(tmp_path: Path) -> None:
    db = tmp_path / "orchestron.db"
    async with server(db, "--agent", "claude-1") as first:
        made = await call(first, "task_create", {"title": "Build the API"})
        task_id = made["id"]
        updated = await call(first, "task_update", {"taskId": task_id, "progress": 50})
        assert updated["progress"] == 50
    async with server(db, "--agent", "claude-2") as second:
        got = await call(second, "task_get", {"taskId": task_id})
    assert got["progress"] == 50 and got["updatedBy"] == "claude-1"


async def test_two_processes_at_once_see_each_other(tmp_path: Path) -> None:
    db = tmp_path / "orchestron.db"
    async with server(db, "--agent", "a") as one, server(db, "--agent", "b") as two:
        await call(one, "task_create", {"title": "From one"})
        await call(two, "task_create", {"title": "From two"})
        listed = await call(one, "task_list")
    assert [line.split()[0] for line in listed["tasks"]] == ["TASK-001", "TASK-002"]


async def test_handoff_across_two_processes(tmp_path: Path) -> None:
    db = tmp_path / "orchestron.db"
    async with server(db, "--agent", "claude-1") as first:
        await call(
            first, "task_create", {"title": "Build the API", "checkpoints": ["models", "routes"]}
        )
        picked = await call(first, "task_next")
        task_id = picked["task"]["id"]
        await call(first, "task_update", {"taskId": task_id, "checkpointsDone": [1]})
        saved = await call(first, "context_save", {"context": {"step": "API done"}})
        assert saved["task"] == task_id
        prepared = await call(first, "handoff", {"action": "prepare", "note": "routes next"})
        assert prepared["prepared"]["task"] == task_id
    async with server(db, "--agent", "claude-2") as second:
        package = await call(second, "resume")
        loaded = await call(second, "context_load", {"taskId": task_id})
    assert package["kind"] == "handoff"
    assert package["task"]["id"] == task_id
    assert package["task"]["checkpoints"] == ["[x] 1. models", "[ ] 2. routes"]
    assert "API done" in str(package)
    assert loaded["context"]["step"] == "API done"


async def test_stdin_closing_ends_the_session(tmp_path: Path) -> None:
    from orchestron.runtime import open_orchestron

    db = tmp_path / "orchestron.db"
    async with server(db, "--agent", "claude-1") as first:
        status = await call(first, "session", {"action": "status"})
    async with open_orchestron(str(db)) as orch:
        ended = await orch.get_session(status["id"])  # type: ignore[attr-defined]
    assert ended.status.value == "ENDED"


async def test_claude_code_environment(tmp_path: Path) -> None:
    db = tmp_path / "orchestron.db"
    env = {"CLAUDE_CODE_SESSION_ID": "abcd1234-0000-4000-8000-000000000000"}
    async with server(db, env=env) as client:
        made = await call(client, "task_create", {"title": "One"})
        got = await call(client, "task_get", {"taskId": made["id"]})
    assert got["updatedBy"] == "claude-abcd12"  # the rule its hooks follow too


async def test_sigterm_ends_the_session_cleanly(tmp_path: Path) -> None:
    """Raw JSON-RPC over the pipes, so the test holds the process to signal it."""
    import json

    import anyio

    from orchestron.runtime import open_orchestron

    db = tmp_path / "orchestron.db"
    argv = [_command(), "--db", str(db), "--agent", "claude-1"]
    async with await anyio.open_process(argv) as proc:
        assert proc.stdin and proc.stdout
        lines = (line.decode() async for line in wire_lines(proc.stdout))

        async def send(message: dict[str, object]) -> None:
            assert proc.stdin
            await proc.stdin.send((json.dumps(message) + "\n").encode())

        await send(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-06-18",
                    "capabilities": {},
                    "clientInfo": {"name": "raw", "version": "0"},
                },
            }
        )
        init = json.loads(await lines.__anext__())
        assert "claude/channel" in init["result"]["capabilities"]["experimental"]
        await send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        await send(
            {
                "jsonrpc": "2.0",
                "id": 2,
                "method": "tools/call",
                "params": {"name": "session", "arguments": {"action": "status"}},
            }
        )
        reply = json.loads(await lines.__anext__())
        sid = json.loads(reply["result"]["content"][0]["text"])["id"]
        proc.terminate()
        with anyio.fail_after(10):
            assert await proc.wait() == 0
    async with open_orchestron(str(db)) as orch:
        assert (await orch.get_session(sid)).status.value == "ENDED"
