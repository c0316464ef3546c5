"""Waiting for the event log to move: pushed where the store can push, polled elsewhere.

PostgreSQL pushes each commit through LISTEN/NOTIFY (`listen_events()` on its
storage), so `watch` and the dashboard wake at once and poll nothing. SQLite
has no such channel between processes, so there the waker sleeps `interval`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncGenerator, Callable
from typing import Any

import anyio

__all__ = ["EventWaker"]

log = logging.getLogger("orchestron.runtime")


class EventWaker:
    """`await waker.wait(at_most)` returns when new events may be there.

    Run `waker.run()` in a task group for as long as you wait on it; on a store
    without push it returns at once and `wait` simply sleeps `interval`.
    """

    def __init__(self, storage: Any, *, interval: float = 0.5) -> None:
        self.interval = interval
        self._listen: Callable[[], AsyncGenerator[int, None]] | None = getattr(
            storage, "listen_events", None
        )
        self._moved = anyio.Event()

    @property
    def pushed(self) -> bool:
        """True when the store pushes new events (no polling)."""
        return self._listen is not None

    async def run(self) -> None:
        if self._listen is None:
            return
        try:
            # aclosing: a cancelled reader must close the listening connection now,
            # not whenever the generator happens to be collected.
            async with contextlib.aclosing(self._listen()) as pushes:
                async for _ in pushes:
                    self._moved.set()
                    self._moved = anyio.Event()
        except Exception:
            # Losing the push channel must not stop the reader: fall back to polling.
            log.warning("event push stopped; polling every %.1f s", self.interval, exc_info=True)
            self._listen = None
            self._moved.set()

    async def wait(self, at_most: float) -> None:
        """Until events may have arrived, or `at_most` seconds."""
        if self._listen is None:
            await anyio.sleep(min(self.interval, at_most))
            return
        with anyio.move_on_after(at_most):
            await self._moved.wait()
