"""Live events: LISTEN on the schema's channel, reconnecting when the server goes away."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Callable

import asyncpg

from orchestron.postgres._errors import DRIVER_ERRORS, is_transient, translate
from orchestron.postgres._settings import PgSettings

__all__ = ["listen"]

_KEEPALIVE = 5.0  # seconds between checks that a quiet connection is still there
_LOST = -1
_ALIVE_ERRORS: tuple[type[BaseException], ...] = (*DRIVER_ERRORS, TimeoutError)


async def listen(settings: PgSettings) -> AsyncIterator[int]:
    """Yield the last seq on each (re)connection, then the seq of every new event."""
    while True:
        # One queue per connection, so a late signal from an old one cannot end a new one.
        queue: asyncio.Queue[int] = asyncio.Queue()
        conn = await _connect(settings)
        try:
            conn.add_termination_listener(lambda _c, q=queue: q.put_nowait(_LOST))
            await conn.add_listener(settings.channel, _on_notify(queue))
            last = await conn.fetchval("SELECT coalesce(max(seq), 0) FROM events")
            yield int(last)
            while True:
                try:
                    seq = await asyncio.wait_for(queue.get(), timeout=_KEEPALIVE)
                except TimeoutError:
                    if conn.is_closed() or not await _alive(conn):
                        break
                    continue
                if seq == _LOST:
                    break
                yield seq
        finally:
            if not conn.is_closed():
                conn.terminate()


def _on_notify(queue: asyncio.Queue[int]) -> Callable[[object, int, str, object], None]:
    def on_notify(_conn: object, _pid: int, _channel: str, payload: object) -> None:
        with contextlib.suppress(ValueError):
            queue.put_nowait(int(str(payload)))

    return on_notify


async def _alive(conn: asyncpg.Connection[asyncpg.Record]) -> bool:
    try:
        # asyncpg's own timeout, not asyncio.wait_for: a reader cancelled here must not
        # leave an inner task whose error on the terminated connection nobody retrieves.
        await conn.fetchval("SELECT 1", timeout=_KEEPALIVE)
    except _ALIVE_ERRORS:
        return False
    return True


async def _connect(settings: PgSettings) -> asyncpg.Connection[asyncpg.Record]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.retry_seconds
    delay = 0.05
    while True:
        try:
            return await asyncpg.connect(
                settings.dsn,
                timeout=settings.connect_timeout,
                command_timeout=settings.command_timeout,
                server_settings=settings.server_settings,
            )
        except DRIVER_ERRORS as exc:
            if not is_transient(exc) or loop.time() + delay > deadline:
                raise translate(exc, settings.where) from exc
        await asyncio.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 1.0)
