"""What an attack on the MCP door found (issue 18), each over real stdio to `orchestron-mcp`.

Every case: a clear error (no "a bug in", no "internal error"), a reply within
the 8 KB budget, and no table changed.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from anyio.abc import Process
from mcp_helpers import text, wire_lines

from mcp import Client, StdioServerParameters
from orchestron.mcp._stdio import MAX_LINE
from orchestron.runtime import open_orchestron
from store_rows import store_rows

pytestmark = pytest.mark.anyio

HUGE = "9" * 5000
BIG = 2**63
MEGA = "x" * 1_000_000
BUDGET = 8 * 1024


def _command() -> str:
    found = shutil.which("orchestron-mcp", path=str(Path(sys.executable).parent))
    assert found, "orchestron-mcp is not installed in this environment"
    return found


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "orchestron.db"
    async with open_orchestron(str(path), actor="seed", create=True) as orch:
        await orch.create_task("Schema", checkpoints=["models", "routes"], estimate=3)
        await orch.create_task("API", depends_on=["TASK-001"])
        await orch.create_sprint("Sprint 1")
        await orch.remember("Use PostgreSQL 16", kind="decision", topic="database")
    return path


@asynccontextmanager
async def served(db: Path) -> AsyncIterator[Client]:
    params = StdioServerParameters(command=_command(), args=["--db", str(db), "--agent", "fuzz"])
    async with Client(params) as client:
        await client.call_tool("task_list", {"limit": 1})  # the session is up before we look
        yield client


def _check_reply(reply: str) -> None:
    assert len(reply.encode()) <= BUDGET, f"reply of {len(reply.encode()):,} bytes"
    for bad in ("a bug in", "internal error", "Error executing tool", "Traceback"):
        assert bad not in reply, reply[:500]


async def _refused(client: Client, db: Path, tool: str, args: dict[str, Any]) -> str:
    before = store_rows(db)
    result = await client.call_tool(tool, args)
    reply = text(result)
    assert result.is_error, f"{tool} accepted {str(args)[:200]}: {reply[:300]}"
    _check_reply(reply)
    assert store_rows(db) == before, f"refused {tool} changed a table"
    return reply


BIG_NUMBER_CASES: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    ("task_get", {"taskId": f"TASK-{HUGE}"}, ("at most 64",)),
    ("task_get", {"taskId": HUGE}, ("at most 64",)),
    ("task_get", {"taskId": f"TASK-{BIG}"}, ("out of range",)),
    ("task_list", {"cursor": f"TASK-{BIG}"}, ("out of range",)),
    ("task_list", {"cursor": f"TASK-{HUGE}"}, ("at most 64",)),
    ("task_list", {"parent": f"TASK-{BIG}"}, ("out of range",)),
    ("task_list", {"sprint": f"SPRINT-{BIG}"}, ("out of range",)),
    ("task_update", {"taskId": "TASK-001", "checkpointsDone": [HUGE]}, ("checkpoint",)),
    ("task_update", {"taskId": "TASK-001", "checkpointsDone": [BIG]}, ("checkpoint",)),
    ("task_update", {"taskId": "TASK-001", "version": BIG, "progress": 5}, ("version",)),
    ("task_update", {"taskId": "TASK-002", "dependsOnAdd": [f"TASK-{BIG}"]}, ("out of range",)),
    ("task_complete", {"taskId": f"TASK-{BIG}"}, ("out of range",)),
    ("recall", {"after": str(BIG)}, ("after",)),
    ("recall", {"after": HUGE}, ("after",)),
    ("recall", {"ids": [f"MEM-{BIG}"]}, ("MEM",)),
    ("sprint", {"action": "get", "sprintId": f"SPRINT-{BIG}"}, ("out of range",)),
    ("clarifications", {"taskId": f"TASK-{HUGE}"}, ("at most 64",)),
    ("context_load", {"taskId": f"TASK-{BIG}"}, ("out of range",)),
    ("handoff", {"action": "accept", "handoffId": f"HO-{BIG}"}, ("out of range",)),
    ("remember", {"text": "x y", "kind": "fact", "topic": "t", "supersedes": f"MEM-{HUGE}"}, ()),
]


async def test_big_ids_cursors_and_numbers_are_refused_clearly(db: Path) -> None:
    """One server for all cases: a refusal must not disturb the next call either."""
    async with served(db) as client:
        for tool, args, words in BIG_NUMBER_CASES:
            reply = await _refused(client, db, tool, args)
            assert reply.startswith(f"{tool}: "), reply[:200]
            for word in words:
                assert word in reply, f"{tool}: {reply[:300]}"


async def test_nan_and_infinity_are_refused(db: Path) -> None:
    async with served(db) as client:
        for value in ("NaN", "nan", "Infinity", "-Infinity"):
            for tool, args in (
                ("task_create", {"title": "x", "estimate": value}),
                ("task_update", {"taskId": "TASK-001", "estimate": value}),
            ):
                reply = await _refused(client, db, tool, args)
                assert "estimate" in reply, reply


def _string_arguments(schema: dict[str, Any]) -> list[tuple[str, bool]]:
    """(name, is_list) for each argument that takes text (or a list of text)."""
    out = []
    for name, prop in schema.get("properties", {}).items():
        items = prop.get("items", {})
        if prop.get("type") == "string" and "enum" not in prop:
            out.append((name, False))
        elif prop.get("type") == "array" and items.get("type") == "string":
            out.append((name, True))
    return out


def _required(schema: dict[str, Any]) -> dict[str, Any]:
    """Plausible values for the required arguments, so the long one is what is judged."""
    plausible = {"taskId": "TASK-001", "title": "x", "text": "a claim", "question": "why?"}
    out: dict[str, Any] = {}
    for name in schema.get("required", []):
        prop = schema["properties"][name]
        out[name] = prop["enum"][0] if "enum" in prop else plausible.get(name, "x")
    return out


async def test_no_reply_grows_with_the_input(db: Path) -> None:
    """A megabyte in every text argument of every tool: the reply stays within 8 KB."""
    async with served(db) as client:
        tools = (await client.list_tools()).tools
        assert len(tools) >= 16
        for tool in tools:
            for name, is_list in _string_arguments(tool.input_schema):
                args = {**_required(tool.input_schema), name: [MEGA] if is_list else MEGA}
                before = store_rows(db)
                result = await client.call_tool(tool.name, args)
                reply = text(result)
                if not args.get("verbose"):
                    _check_reply(reply)
                if result.is_error:
                    assert store_rows(db) == before, f"refused {tool.name}({name}) changed a table"
        for name in (MEGA, "y" * 5000):
            reply = await _refused(client, db, "task_list", {name: 1})
            assert "unknown argument" in reply
        result = await client.call_tool(MEGA, {})
        assert result.is_error
        _check_reply(text(result))


# -- the wire itself: lines the SDK could not read --------------------------------------------


class RawServer:
    """`orchestron-mcp` over its pipes, one JSON-RPC line at a time."""

    def __init__(self, proc: Process) -> None:
        assert proc.stdin and proc.stdout
        self.proc = proc
        self._lines = wire_lines(proc.stdout)

    async def send(self, line: bytes) -> None:
        assert self.proc.stdin
        await self.proc.stdin.send(line + b"\n")

    async def reply(self) -> dict[str, Any]:
        with anyio.fail_after(30):
            message: dict[str, Any] = json.loads(await self._lines.__anext__())
            return message

    async def request(self, ident: int, method: str, params: dict[str, Any]) -> dict[str, Any]:
        body = {"jsonrpc": "2.0", "id": ident, "method": method, "params": params}
        await self.send(json.dumps(body).encode())
        return await self.reply()


@asynccontextmanager
async def raw(db: Path) -> AsyncIterator[RawServer]:
    argv = [_command(), "--db", str(db), "--agent", "raw"]
    async with await anyio.open_process(argv) as proc:
        server = RawServer(proc)
        init = await server.request(
            1,
            "initialize",
            {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "raw", "version": "0"},
            },
        )
        assert init["result"]["serverInfo"]["name"] == "orchestron"
        await server.send(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}')
        yield server
        assert proc.stdin
        await proc.stdin.aclose()
        with anyio.fail_after(10):
            assert await proc.wait() == 0


async def _still_serving(server: RawServer, ident: int) -> None:
    listed = await server.request(ident, "tools/call", {"name": "task_list", "arguments": {}})
    assert listed["id"] == ident and not listed["result"]["isError"], listed


async def test_bad_lines_get_a_json_rpc_error_and_the_server_lives_on(db: Path) -> None:
    async with raw(db) as server:
        await _still_serving(server, 2)
        before = store_rows(db)

        await server.send(b"this is not JSON")
        reply = await server.reply()
        assert reply["id"] is None and reply["error"]["code"] == -32700
        assert "not JSON" in reply["error"]["message"]

        call = {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
            "params": {"name": "task_create", "arguments": {"title": "\\ud800 lone"}},
        }
        await server.send(json.dumps(call).replace("\\\\ud800", "\\ud800").encode())
        reply = await server.reply()
        assert reply["id"] == 3 and reply["error"]["code"] == -32700
        assert "surrogate" in reply["error"]["message"]

        await server.send(b'{"hello": "world", "id": 4}')
        reply = await server.reply()
        assert reply["id"] == 4 and reply["error"]["code"] == -32600

        await server.send(b"[1, 2, 3]")
        reply = await server.reply()
        assert reply["id"] is None and reply["error"]["code"] == -32600

        await server.send(b"   ")  # a blank line is no message: no reply, no harm
        await _still_serving(server, 5)
        assert store_rows(db) == before


async def test_a_line_over_the_limit_is_refused_and_the_server_lives_on(db: Path) -> None:
    async with raw(db) as server:
        await _still_serving(server, 6)  # the session is up before we look
        before = store_rows(db)
        title = "x" * (MAX_LINE + 1024)
        call = {
            "jsonrpc": "2.0",
            "method": "tools/call",
            "params": {"name": "task_create", "arguments": {"title": title}},
            "id": 7,
        }
        await server.send(json.dumps(call).encode())
        reply = await server.reply()
        assert reply["id"] == 7 and reply["error"]["code"] == -32600, str(reply)[:300]
        assert f"{MAX_LINE:,}" in reply["error"]["message"]
        assert len(json.dumps(reply)) < 1000
        await _still_serving(server, 8)
        assert store_rows(db) == before


async def test_a_nan_literal_on_the_wire_is_refused(db: Path) -> None:
    async with raw(db) as server:
        await _still_serving(server, 8)
        before = store_rows(db)
        line = (
            b'{"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": '
            b'{"name": "task_update", "arguments": {"taskId": "TASK-001", "estimate": NaN}}}'
        )
        await server.send(line)
        reply = await server.reply()
        result = reply["result"]
        assert result["isError"], reply
        assert "estimate" in result["content"][0]["text"]
        assert store_rows(db) == before
