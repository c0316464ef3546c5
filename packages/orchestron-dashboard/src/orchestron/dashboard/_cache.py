"""Analytics results kept for a little while.

The analytics replay the event log (about a second at 10,000 tasks), and a
live page re-renders on every change. A result is reused while the log has
not moved (up to `max_age_idle` seconds), and for `max_age` seconds even
if it has, so a busy project costs at most one recomputation per
`max_age` seconds per page, and the figures lag by no more than that.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

__all__ = ["RecentResults"]

T = TypeVar("T")


class RecentResults:
    def __init__(self, max_age: float = 10.0, max_age_idle: float = 300.0) -> None:
        self.max_age = max_age
        self.max_age_idle = max_age_idle
        self._items: dict[Hashable, tuple[int, float, Any]] = {}

    async def get(self, key: Hashable, seq: int, compute: Callable[[], Awaitable[T]]) -> T:
        now = time.monotonic()
        hit = self._items.get(key)
        if hit is not None:
            hit_seq, at, value = hit
            age = now - at
            if age < self.max_age or (hit_seq == seq and age < self.max_age_idle):
                result: T = value
                return result
        fresh = await compute()
        self._items[key] = (seq, now, fresh)
        return fresh
