"""`orchestron-mcp --http` follows the dashboard's rule (issue 18, finding 1).

Host and Origin are checked always; off loopback it needs a token of at least
16 characters, sent as `Authorization: Bearer TOKEN`. Every request goes to
127.0.0.1, even when the server listens on 0.0.0.0.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp.client.streamable_http import streamable_http_client
from mcp_helpers import call

from mcp import Client
from store_rows import store_rows

pytestmark = pytest.mark.anyio

TOKEN = "a-token-of-24-characters"
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "curl", "version": "1"},
    },
}
HEADERS = {"content-type": "application/json", "accept": "application/json, text/event-stream"}


def _command() -> str:
    found = shutil.which("orchestron-mcp", path=str(Path(sys.executable).parent))
    assert found
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@asynccontextmanager
async def http_server(db: Path, *args: str) -> AsyncIterator[int]:
    port = _free_port()
    argv = [_command(), "--http", "--port", str(port), "--db", str(db), "--agent", "web", *args]
    async with await anyio.open_process(argv, stdout=subprocess.DEVNULL) as proc:
        try:
            with anyio.fail_after(15):
                while not _listening(port):
                    assert proc.returncode is None, "the HTTP server exited"
                    await anyio.sleep(0.05)
            yield port
        finally:
            proc.terminate()
            with anyio.fail_after(10):
                await proc.wait()


async def _post(port: int, headers: dict[str, str], body: Any = INIT) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(
            f"http://127.0.0.1:{port}/mcp", content=json.dumps(body), headers={**HEADERS, **headers}
        )


def _create_call(title: str) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {"name": "task_create", "arguments": {"title": title}},
    }


async def test_on_loopback_host_and_origin_are_checked(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    async with http_server(db) as port:
        assert (await _post(port, {})).status_code == 200
        before = store_rows(db)
        for headers in (
            {"host": "evil.example"},
            {"host": f"evil.example:{port}"},
            {"origin": "http://evil.example"},
            {"origin": f"http://localhost:{port + 1}"},
            {"origin": "null"},
        ):
            for body in (INIT, _create_call("rebinding attack")):
                r = await _post(port, headers, body)
                assert r.status_code == 403, (headers, r.status_code, r.text)
                assert r.json()["error"] == "forbidden"
        assert store_rows(db) == before
        # The server's own origin, as a page it served would send it, is fine.
        r = await _post(port, {"origin": f"http://127.0.0.1:{port}"})
        assert r.status_code == 200


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--host", "0.0.0.0"), ("refusing to listen on 0.0.0.0 without a token",)),
        (("--host", "0.0.0.0", "--token", "short"), ("at least 16",)),
        (("--host", "0.0.0.0", "--token", "   "), ("blank",)),
        (("--token", " padded-token-of-24-chars "), ("space",)),
    ],
    ids=["no token", "short token", "blank token", "padded token"],
)
def test_off_loopback_without_a_good_token_it_does_not_start(
    tmp_path: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    done = subprocess.run(
        [_command(), "--http", "--port", str(_free_port()), "--db", str(tmp_path / "o.db"), *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr, done.stderr
    assert not (tmp_path / "o.db").exists()


async def test_off_loopback_the_token_is_needed_and_host_still_checked(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    async with http_server(db, "--host", "0.0.0.0", "--token", TOKEN) as port:
        for headers, status in (
            ({}, 401),
            ({"authorization": "Bearer wrong-token-wrong-token"}, 401),
            ({"authorization": TOKEN}, 401),
            ({"authorization": f"Bearer {TOKEN}", "host": "evil.example"}, 403),
            ({"authorization": f"Bearer {TOKEN}", "origin": "http://evil.example"}, 403),
        ):
            r = await _post(port, headers, _create_call("without the token"))
            assert r.status_code == status, (headers, r.status_code, r.text)
        assert not db.exists() or store_rows(db)["tasks"] == []
        auth = {"authorization": f"Bearer {TOKEN}"}
        # An IP literal is no rebinding name: the machine's address is served.
        assert (await _post(port, {**auth, "host": f"127.0.0.1:{port}"})).status_code == 200
        http = httpx2.AsyncClient(headers=auth)
        transport = streamable_http_client(f"http://127.0.0.1:{port}/mcp", http_client=http)
        async with http, Client(transport) as client:  # type: ignore[arg-type]
            made = await call(client, "task_create", {"title": "With the token"})
            got = await call(client, "task_get", {"taskId": made["id"]})
        assert got["title"] == "With the token"
