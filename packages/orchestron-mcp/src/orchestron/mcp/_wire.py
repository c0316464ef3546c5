"""The stdio wire: one JSON-RPC message a line in, one a line out; a bad line gets a reply.

The SDK's stdio transport drops a line it cannot read (not JSON, a lone
surrogate escape, not a JSON-RPC message) without a word, and a line past the
reader's limit ended the process. Here each of those gets a JSON-RPC error
reply (-32700 parse error, -32600 invalid request), with the request's id when
it can be found, and the server reads on.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import mcp_types as types
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from pydantic import ValidationError

from mcp.shared.message import SessionMessage
from orchestron.mcp._stdio import MAX_LINE, Overlong, PipeReader, PipeWriter

__all__ = ["refusal", "serve_wire"]

log = logging.getLogger("orchestron.mcp")

_ID = r'(-?\d{1,18}|"[^"\\]{0,200}")'
# Where a top-level id can be told from a nested one without parsing: first or last member.
_ID_FIRST = re.compile(r'^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*' + _ID)
_ID_LAST = re.compile(r'"id"\s*:\s*' + _ID + r"\s*\}\s*$")
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _error(ident: Any, code: int, message: str) -> str:
    if not (isinstance(ident, str | int) and not isinstance(ident, bool)):
        ident = None
    return json.dumps(
        {"jsonrpc": "2.0", "id": ident, "error": {"code": code, "message": message}},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _id_near_the_ends(head: str, tail: str) -> Any:
    found = _ID_FIRST.search(head) or _ID_LAST.search(tail)
    return json.loads(found.group(1)) if found else None


def refusal(line: str, exc: ValueError) -> str | None:
    """The error reply to a line the SDK could not read (None for a blank line)."""
    if not line.strip():
        return None
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):
        return _error(
            _id_near_the_ends(line[:300], line[-300:]),
            types.PARSE_ERROR,
            "Parse error: the line is not JSON; send one JSON-RPC message per line",
        )
    ident = data.get("id") if isinstance(data, dict) else None
    kinds = {e["type"] for e in exc.errors()} if isinstance(exc, ValidationError) else set()
    if kinds & {"json_invalid", "string_unicode"}:  # JSON to Python's parser, not to pydantic's
        reason = (
            "holds a lone surrogate escape (such as \\ud800), which is not Unicode text; "
            "send UTF-8 text"
            if _SURROGATE.search(line)
            else "is not JSON this server can read"
        )
        return _error(ident, types.PARSE_ERROR, f"Parse error: the message {reason}")
    return _error(
        ident,
        types.INVALID_REQUEST,
        "Invalid Request: not a JSON-RPC 2.0 message (it needs jsonrpc: '2.0' and a method, "
        "or a result or error with an id)",
    )


def _too_long(line: Overlong) -> str:
    return _error(
        _id_near_the_ends(line.head, line.tail),
        types.INVALID_REQUEST,
        f"Invalid Request: the message is {line.size:,} bytes; a line may be at most "
        f"{MAX_LINE:,} bytes",
    )


@asynccontextmanager
async def serve_wire(
    reader: PipeReader, writer: PipeWriter
) -> AsyncIterator[
    tuple[
        MemoryObjectReceiveStream[SessionMessage | Exception],
        MemoryObjectSendStream[SessionMessage],
    ]
]:
    """(read stream, write stream) for the SDK's server loop, over the pipes."""
    inbound_send, inbound = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    outbound, outbound_receive = anyio.create_memory_object_stream[SessionMessage](0)
    # Error replies and the server's replies share the writer: one lock, one whole line each.
    lock = anyio.Lock()

    async def send_line(text: str) -> None:
        async with lock:
            await writer.write(text + "\n")
            await writer.flush()

    async def read_lines() -> None:
        async with inbound_send:
            async for line in reader:
                if isinstance(line, Overlong):
                    log.warning("refused a %d-byte line", line.size)
                    await send_line(_too_long(line))
                    continue
                try:
                    message = types.jsonrpc_message_adapter.validate_json(line, by_name=False)
                except ValueError as exc:  # pydantic's ValidationError among them
                    reply = refusal(line, exc)
                    if reply is not None:
                        await send_line(reply)
                    continue
                await inbound_send.send(SessionMessage(message))

    async def write_lines() -> None:
        async with outbound_receive:
            async for session_message in outbound_receive:
                message = session_message.message
                await send_line(message.model_dump_json(by_alias=True, exclude_unset=True))

    async with anyio.create_task_group() as tg:
        tg.start_soon(read_lines)
        tg.start_soon(write_lines)
        yield inbound, outbound
        tg.cancel_scope.cancel()
