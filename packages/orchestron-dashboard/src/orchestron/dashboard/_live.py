"""Live updates: the event log, polled once per app, pushed as server-sent events.

Any process may change the store (agents' MCP servers, the CLI, another
dashboard), so the event log is the one source of truth. `EventFeed` checks its
last sequence number whenever the store says it moved (LISTEN/NOTIFY on
PostgreSQL) or, where the store cannot push (SQLite), every `interval` seconds
while someone listens, and wakes the listeners when it moves; each listener then reads the new events after its
own cursor and sends one message: what kinds of things changed, and which.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import anyio
from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import ServerSentEvent, ServerSentEventMessage

from orchestron.core import Event, InvalidInputError, Orchestron, parse_count
from orchestron.dashboard._views import topic_of
from orchestron.runtime import EventWaker

__all__ = ["EventFeed", "change_message", "live_stream"]

log = logging.getLogger("orchestron.dashboard")
MAX_ENTITIES = 50
PING_SECONDS = 15.0


class EventFeed:
    """Watches the event log for the whole app; listeners wait on `changed()`."""

    def __init__(self, orch: Orchestron, interval: float = 0.5) -> None:
        self.orch = orch
        self.interval = interval
        self.seq = 0
        self.listeners = 0
        self._moved = anyio.Event()
        self.waker = EventWaker(orch.storage, interval=interval)

    async def run(self) -> None:
        self.seq = await self.orch.last_event_seq()
        async with anyio.create_task_group() as tg:
            tg.start_soon(self.waker.run)
            await self._follow()

    async def _follow(self) -> None:
        while True:
            await self.waker.wait(PING_SECONDS)
            if not self.listeners:
                continue
            try:
                latest = await self.orch.last_event_seq()
            except Exception:
                log.warning("live feed: reading the event log failed", exc_info=True)
                continue
            if latest != self.seq:
                self.seq = latest
                self._moved.set()
                self._moved = anyio.Event()

    async def changed(self, quiet: float) -> bool:
        """Wait until the log moves; False after `quiet` seconds without a change."""
        with anyio.move_on_after(quiet):
            await self._moved.wait()
            return True
        return False

    async def messages(
        self, after: int, *, ping: float = PING_SECONDS
    ) -> AsyncIterator[ServerSentEventMessage]:
        """Messages for one listener, starting after sequence `after`."""
        cursor = after
        self.listeners += 1
        try:
            yield ServerSentEventMessage(
                event="hello", data=json.dumps({"seq": cursor}), retry=2000
            )
            fresh = True  # look once at the start: the page may be older than the feed
            while True:
                if fresh or self.seq > cursor:
                    fresh = False
                    events = await self.orch.events(after=cursor, limit=500)
                    if events:
                        cursor = events[-1].seq or cursor
                        yield change_message(events)
                        fresh = len(events) == 500
                        continue
                if not await self.changed(ping):
                    yield ServerSentEventMessage(comment="ping")
        finally:
            self.listeners -= 1


def change_message(events: list[Event]) -> ServerSentEventMessage:
    """One SSE message saying what a batch of events touched."""
    entities = sorted({e.entity for e in events})
    payload: dict[str, Any] = {
        "seq": events[-1].seq,
        "count": len(events),
        "topics": sorted({topic_of(e.kind) for e in events}),
        "kinds": sorted({e.kind for e in events}),
        "entities": entities if len(entities) <= MAX_ENTITIES else None,
    }
    return ServerSentEventMessage(event="change", id=events[-1].seq, data=json.dumps(payload))


@get(
    "/live",
    include_in_schema=True,
    summary="Live changes (server-sent events)",
    sync_to_thread=False,
)
def live_stream(
    request: Request[Any, Any, Any], after: FromQuery[int | None] = None
) -> ServerSentEvent:
    """Server-sent events: one `change` message per batch of new events in the log.

    `after` (or the `Last-Event-ID` header on a reconnect) is the sequence number
    the page was rendered at, so nothing between render and connect is missed.
    """
    feed: EventFeed = request.app.state.feed
    start = after
    last_id = request.headers.get("last-event-id")
    if last_id:
        # The browser sends back the id we sent; anything else (5,000 digits, "²") is ignored.
        with contextlib.suppress(InvalidInputError):
            start = parse_count(last_id, "Last-Event-ID")
    if start is None:
        start = feed.seq
    return ServerSentEvent(feed.messages(max(0, start)))
