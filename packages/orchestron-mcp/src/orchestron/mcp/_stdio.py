"""Stdin and stdout as asyncio pipes, for the SDK's stdio transport.

The SDK reads each line and writes (and flushes) each reply through a worker
thread: three thread hand-offs per tool call, about half a millisecond of a
call's 1.5 ms floor on a small machine. Given streams, it skips them; these
read and write the pipes on the event loop instead.

Like the SDK, fd 0 and fd 1 are taken over while serving (fd 0 reads the null
device, fd 1 goes to stderr), so a stray print or a child process cannot
corrupt the wire; both are put back on the way out.
"""

from __future__ import annotations

import asyncio
import os
import stat
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Self

from attrs import frozen

__all__ = ["MAX_LINE", "Overlong", "PipeReader", "PipeWriter", "pipe_stdio"]

MAX_LINE = 16 * 1024 * 1024
"""Bytes one message line may take; a longer one is skipped (and refused, see `_wire`)."""


@frozen
class Overlong:
    """A line past MAX_LINE, read past and dropped: its size and its two ends."""

    size: int
    head: str
    tail: str


class PipeReader:
    """Lines of text from a pipe, as `async for` gives them (what the SDK reads)."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self._reader = reader

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> str | Overlong:
        try:
            line = await self._reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as end:  # the last line had no newline
            line = end.partial
        except asyncio.LimitOverrunError as over:
            return await self._skip(over.consumed)
        if not line:
            raise StopAsyncIteration
        return line.decode("utf-8", errors="replace")

    async def _skip(self, buffered: int) -> Overlong:
        """Drop the rest of an overlong line, holding on to no more than its ends."""
        first = await self._reader.readexactly(buffered)
        head, last, size = first[:300], first[-300:], buffered
        while True:
            try:
                rest = await self._reader.readuntil(b"\n")
            except asyncio.LimitOverrunError as over:
                rest = await self._reader.readexactly(over.consumed)
                size += len(rest)
                last = (last + rest)[-300:]
                continue
            except asyncio.IncompleteReadError as end:
                rest = end.partial
            size += len(rest)
            last = (last + rest)[-300:]
            return Overlong(size, head.decode(errors="replace"), last.decode(errors="replace"))


class PipeWriter:
    """Text to a pipe; `flush` waits while the reader is behind (what the SDK writes)."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer

    async def write(self, text: str) -> None:
        self._writer.write(text.encode("utf-8"))

    async def flush(self) -> None:
        await self._writer.drain()


def _streamable(fd: int) -> bool:
    """Pipes and sockets only: asyncio makes them non-blocking, which a terminal
    shared with the shell must not be left in, and it cannot poll regular files."""
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


@asynccontextmanager
async def pipe_stdio() -> AsyncIterator[tuple[PipeReader, PipeWriter] | None]:
    """The process's stdin/stdout as streams; None when they are not pipes (the SDK's way then)."""
    if not (_streamable(0) and _streamable(1)):
        yield None
        return
    sys.stdout.flush()
    wire_in = os.dup(0)
    wire_out = os.dup(1)
    saved_in, saved_out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_LINE)
    read_transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(wire_in, "rb", 0)
    )
    write_transport, protocol = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, os.fdopen(wire_out, "wb", 0)
    )
    writer = asyncio.StreamWriter(write_transport, protocol, None, loop)
    try:
        yield PipeReader(reader), PipeWriter(writer)
    finally:
        read_transport.close()
        write_transport.close()
        with suppress(OSError):
            os.dup2(saved_in, 0)
            os.dup2(saved_out, 1)
        os.close(saved_in)
        os.close(saved_out)
