"""The stdio transport on asyncio pipes: the wire carries only protocol lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "pipe-test", "version": "1"},
    },
}

_STRAY = """
import asyncio
from orchestron.mcp._stdio import pipe_stdio

async def main():
    async with pipe_stdio() as pipes:
        assert pipes is not None, "stdin and stdout are pipes here"
        reader, writer = pipes
        print("stray print while serving")  # fd 1 goes to stderr meanwhile
        async for line in reader:
            await writer.write("echo " + line)
            await writer.flush()
    print("after serving")  # fd 1 is the real stdout again

asyncio.run(main())
"""


def test_a_stray_print_goes_to_stderr_not_the_wire() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _STRAY],
        input="one\ntwo\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout == "echo one\necho two\nafter serving\n"
    assert "stray print while serving" in done.stderr


def _server(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "orchestron-mcp"), *args]


def test_a_regular_file_on_stdin_is_served_the_sdks_way(tmp_path: Path) -> None:
    """asyncio cannot poll a regular file; the server falls back to the SDK's threads."""
    requests = tmp_path / "requests.jsonl"
    requests.write_text(json.dumps(_INIT) + "\n")
    with requests.open() as stdin:
        done = subprocess.run(
            _server("--db", str(tmp_path / "o.db"), "--agent", "file"),
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    reply = json.loads(done.stdout.splitlines()[0])
    assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "orchestron", done.stderr
    assert done.returncode == 0, done.stderr
