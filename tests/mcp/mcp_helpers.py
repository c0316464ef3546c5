"""Helpers for driving the MCP server with the SDK's own client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from anyio.abc import ByteReceiveStream
from mcp_types import CallToolResult

from mcp import Client
from orchestron.core import Orchestron, to_jsonable


def text(result: CallToolResult) -> str:
    first = result.content[0]
    assert first.type == "text"
    return first.text


def body(result: CallToolResult) -> Any:
    """The JSON reply of a successful call."""
    assert not result.is_error, text(result)
    return json.loads(text(result))


async def call(client: Client, name: str, args: dict[str, Any] | None = None) -> Any:
    return body(await client.call_tool(name, args or {}))


async def error(client: Client, name: str, args: dict[str, Any]) -> str:
    result = await client.call_tool(name, args)
    assert result.is_error, f"{name}({args}) should fail, got {text(result)}"
    message = text(result)
    assert not message.startswith("Error executing tool"), message
    return message


async def snapshot(orch: Orchestron) -> tuple[int, Any]:
    """What a refused call must leave alone: the event log and every task."""
    tasks = await orch.list_tasks()
    return await orch.last_event_seq(), to_jsonable(tasks)


async def wire_lines(stream: ByteReceiveStream) -> AsyncIterator[bytes]:
    """Newline-delimited messages from a server's stdout, blank lines skipped."""
    buffer = b""
    async for chunk in stream:
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if line.strip():
                yield line
