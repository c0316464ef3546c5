"""On PostgreSQL, watch and the dashboard's live view are pushed new events: no polling.

Each test sets the poll interval to a minute, so a change that shows within
seconds can only have come through LISTEN/NOTIFY.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest

from orchestron.dashboard._live import EventFeed
from orchestron.runtime import EventWaker, open_orchestron

pytestmark = pytest.mark.anyio

MINUTE = 60.0


async def test_the_waker_is_pushed_on_postgresql(pg_url: str) -> None:
    async with (
        open_orchestron(pg_url, actor="human:a") as mine,
        open_orchestron(pg_url, actor="human:b") as other,
    ):
        waker = EventWaker(mine.storage, interval=MINUTE)
        assert waker.pushed
        async with anyio.create_task_group() as tg:
            tg.start_soon(waker.run)
            await anyio.sleep(0.5)  # let LISTEN start
            await waker.wait(0.5)  # its first word on connecting: the log as it is

            async def change_soon() -> None:
                await anyio.sleep(0.3)
                await other.create_task("made elsewhere")

            started = time.monotonic()
            tg.start_soon(change_soon)  # made while the waker is already waiting
            with anyio.fail_after(10):
                await waker.wait(MINUTE)
            assert time.monotonic() - started < 3
            tg.cancel_scope.cancel()
        await anyio.sleep(0.3)  # let cancelled queries settle before the stores close


async def test_dashboard_feed_streams_a_change_without_polling(pg_url: str) -> None:
    async with open_orchestron(pg_url) as mine, open_orchestron(pg_url) as other:
        feed = EventFeed(mine, interval=MINUTE)
        async with anyio.create_task_group() as tg:
            tg.start_soon(feed.run)
            await anyio.sleep(0.3)
            stream = feed.messages(after=await mine.last_event_seq(), ping=MINUTE)
            assert (await anext(stream)).event == "hello"
            started = time.monotonic()
            await other.create_task("pushed", labels=["x"])
            with anyio.fail_after(3):
                message = await anext(stream)
            assert message.event == "change"
            assert json.loads(str(message.data))["kinds"] == ["task.created"]
            assert time.monotonic() - started < 3
            await stream.aclose()
            # Stop the feed while it waits, not in the middle of a query: asyncpg resets a
            # connection whose query was cancelled in the background, after the store closed.
            await anyio.sleep(0.5)
            tg.cancel_scope.cancel()


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
def test_watch_prints_a_pushed_event_without_polling(
    pg_url: str, tmp_path: Path, anyio_backend: str
) -> None:
    exe = shutil.which("orchestron") or str(Path(sys.executable).with_name("orchestron"))

    async def create() -> float:
        async with open_orchestron(pg_url, actor="human:b") as other:
            started = time.monotonic()
            await other.create_task("seen by watch")
            return started

    watch = subprocess.Popen(
        [exe, "--db", pg_url, "watch", "--json", "--interval", str(MINUTE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert watch.stderr is not None and watch.stdout is not None
        watch.stderr.readline()  # "watching for new events": it is listening
        time.sleep(0.5)
        started = anyio.run(create)
        line = watch.stdout.readline()
        assert time.monotonic() - started < 5
        event = json.loads(line)
        assert event["kind"] == "task.created" and event["data"]["title"] == "seen by watch"
    finally:
        watch.terminate()
        watch.communicate(timeout=10)  # also closes the pipes
