"""Live updates: the event feed, and a real server streaming a change made by another process."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import anyio
import httpx
import pytest

from orchestron.core import Orchestron
from orchestron.dashboard._live import EventFeed
from orchestron.runtime import open_orchestron

pytestmark = pytest.mark.anyio


async def test_feed_sends_what_changed_after_the_cursor(db_path: str, other: Orchestron) -> None:
    await other.create_task("before")
    async with open_orchestron(db_path) as mine:
        feed = EventFeed(mine, interval=0.05)
        async with anyio.create_task_group() as tg:
            tg.start_soon(feed.run)
            await anyio.sleep(0.1)
            stream = feed.messages(after=await mine.last_event_seq(), ping=0.2)
            hello = await anext(stream)
            assert hello.event == "hello"
            started = time.monotonic()
            await other.create_task("after", labels=["x"])
            with anyio.fail_after(2):
                message = await anext(stream)
                while message.event != "change":  # pings while quiet
                    message = await anext(stream)
            assert time.monotonic() - started < 2
            data = json.loads(str(message.data))
            assert data["topics"] == ["task"]
            assert data["kinds"] == ["task.created"]
            assert data["entities"] == ["TASK-002"]
            assert message.id == data["seq"] == await other.last_event_seq()
            await stream.aclose()
            tg.cancel_scope.cancel()


async def test_feed_catches_up_from_an_old_cursor(db_path: str, other: Orchestron) -> None:
    for i in range(3):
        await other.create_task(f"t{i}")
    async with open_orchestron(db_path) as mine:
        feed = EventFeed(mine, interval=0.05)
        stream = feed.messages(after=1, ping=0.2)
        await anext(stream)  # hello
        message = await anext(stream)
        data = json.loads(str(message.data))
        assert data["count"] == 2 and data["entities"] == ["TASK-002", "TASK-003"]
        await stream.aclose()


@pytest.mark.slow
async def test_a_real_server_streams_a_change_from_another_process(
    run_server: Callable[..., str], other: Orchestron
) -> None:
    url = run_server()
    async with httpx.AsyncClient(base_url=url, timeout=5) as http:
        seq = await other.last_event_seq()
        async with http.stream("GET", f"/live?after={seq}") as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            lines = response.aiter_lines()
            started = time.monotonic()
            await other.create_task("made elsewhere")
            with anyio.fail_after(2):
                async for line in lines:
                    if line.startswith("data:") and "task.created" in line:
                        break
            assert time.monotonic() - started < 2
        tasks = (await http.get("/api/tasks")).json()["items"]
        assert tasks[0]["title"] == "made elsewhere"
