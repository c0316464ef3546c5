"""EventWaker: sleeps the poll interval on a store that cannot push, wakes at once on one that can."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import anyio
import pytest

from orchestron.core.testing import MemoryStorage
from orchestron.runtime import EventWaker

pytestmark = pytest.mark.anyio


async def test_without_push_it_polls_at_the_interval() -> None:
    waker = EventWaker(MemoryStorage(), interval=0.05)
    assert not waker.pushed
    await waker.run()  # returns at once: nothing to listen to
    started = time.monotonic()
    await waker.wait(10)
    assert time.monotonic() - started < 1


class _Pushing:
    def __init__(self) -> None:
        self.send, self.receive = anyio.create_memory_object_stream[int](10)

    async def listen_events(self) -> AsyncIterator[int]:
        async for seq in self.receive:
            yield seq


async def test_with_push_it_waits_for_the_store() -> None:
    store = _Pushing()
    waker = EventWaker(store, interval=60)
    assert waker.pushed
    async with anyio.create_task_group() as tg:
        tg.start_soon(waker.run)
        started = time.monotonic()
        await waker.wait(0.2)  # nothing pushed: waits its whole bound
        assert time.monotonic() - started >= 0.19
        tg.start_soon(store.send.send, 7)
        with anyio.fail_after(2):
            await waker.wait(60)
        tg.cancel_scope.cancel()
    store.send.close()
    store.receive.close()
