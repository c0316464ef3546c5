"""The `orchestron-mcp` command line: options, environment, HTTP transport."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from mcp_helpers import call

from mcp import Client
from orchestron.mcp._cli import options_from, parse_args
from orchestron.runtime import open_orchestron


def test_defaults_are_stdio_and_loopback() -> None:
    args = parse_args([])
    assert not args.http and args.host == "127.0.0.1"
    options = options_from(args, env={})
    assert options.db is None and options.agent is None and options.session_id is None


def test_options_come_from_flags_then_environment(tmp_path: Path) -> None:
    env = {
        "ORCHESTRON_DB": "/env.db",
        "ORCHESTRON_AGENT": "env-agent",
        "CLAUDE_CODE_SESSION_ID": "sess-1",
        "CLAUDE_PROJECT_DIR": str(tmp_path),
    }
    from_env = options_from(parse_args([]), env=env)
    assert (from_env.db, from_env.agent, from_env.session_id) == ("/env.db", "env-agent", "sess-1")
    assert from_env.cwd == tmp_path
    flags = options_from(parse_args(["--db", "/flag.db", "--agent", "flag-agent"]), env=env)
    assert (flags.db, flags.agent) == ("/flag.db", "flag-agent")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.anyio
async def test_streamable_http_on_loopback(tmp_path: Path) -> None:
    port = _free_port()
    exe = shutil.which("orchestron-mcp", path=str(Path(sys.executable).parent))
    assert exe
    db = tmp_path / "o.db"
    argv = [exe, "--http", "--port", str(port), "--db", str(db), "--agent", "web"]
    async with await anyio.open_process(argv, stdout=subprocess.DEVNULL) as proc:
        try:
            with anyio.fail_after(15):
                while not _listening(port):
                    assert proc.returncode is None, "the HTTP server exited"
                    await anyio.sleep(0.05)
            async with Client(f"http://127.0.0.1:{port}/mcp") as client:
                made = await call(client, "task_create", {"title": "Over HTTP"})
                got = await call(client, "task_get", {"taskId": made["id"]})
                sid = (await call(client, "session", {"action": "status"}))["id"]
            assert got["updatedBy"] == "web"
        finally:
            proc.terminate()
            with anyio.fail_after(10):
                # uvicorn shuts down gracefully, then re-raises SIGTERM as usual
                assert await proc.wait() in (0, -signal.SIGTERM)
    async with open_orchestron(str(db)) as orch:
        assert (await orch.get_session(sid)).status.value == "ENDED"


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
