"""Fixtures for the dashboard: a project in a temporary SQLite file, the app over it,
and a second Orchestron on the same file that plays "another process"."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from orchestron.core import Orchestron
from orchestron.dashboard import create_app
from orchestron.runtime import open_orchestron

BASE_URL = "http://127.0.0.1:8765"


@pytest.fixture
async def db_path(tmp_path: Path) -> AsyncIterator[str]:
    path = tmp_path / ".orchestron" / "orchestron.db"
    path.parent.mkdir()
    async with open_orchestron(str(path), create=True):
        pass
    yield str(path)


@pytest.fixture
async def other(db_path: str) -> AsyncIterator[Orchestron]:
    """Another Orchestron on the same file: what an agent's MCP server or the CLI would be."""
    async with open_orchestron(db_path, actor="claude-1") as orch:
        yield orch


@pytest.fixture
def make_app(db_path: str) -> Callable[..., Litestar]:
    """`make_app(token=..., ...)`: the dashboard over the test project."""

    def make(**kwargs: Any) -> Litestar:
        kwargs.setdefault("poll_interval", 0.1)
        return create_app(db_path, **kwargs)

    return make


@pytest.fixture
async def client(make_app: Callable[..., Litestar]) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with AsyncTestClient(make_app(), base_url=BASE_URL) as c:
        yield c


@pytest.fixture
def run_server(db_path: str) -> Iterator[Callable[..., str]]:
    """Start the real dashboard (`python -m orchestron.dashboard`) in a subprocess;
    returns its URL. Every server started is stopped at the end of the test."""
    procs: list[subprocess.Popen[str]] = []

    def start(*args: str, token: str | None = None) -> str:
        env = {k: v for k, v in os.environ.items() if k != "ORCHESTRON_DASHBOARD_TOKEN"}
        if token:
            env["ORCHESTRON_DASHBOARD_TOKEN"] = token
        proc = subprocess.Popen(
            [sys.executable, "-m", "orchestron.dashboard", "--db", db_path, "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        procs.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"(http://\S+)", line)
        if not match:
            proc.kill()
            raise AssertionError(
                f"no URL from the dashboard: {line!r} {proc.stderr.read() if proc.stderr else ''}"
            )
        url = match.group(1)
        _wait_until_up(url)
        return url

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _wait_until_up(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(url + "static/app.css", timeout=1.0)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
