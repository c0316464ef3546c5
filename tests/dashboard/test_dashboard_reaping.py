"""The dashboard reads through the facade, as the CLI does: a session whose lease lapsed
is let go (its task released) before anything is shown, whichever page is read first."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from orchestron.core import Orchestron
from orchestron.core.testing import FixedClock
from store_rows import store_rows

pytestmark = pytest.mark.anyio

Client = AsyncTestClient  # type: ignore[type-arg]


def orchestron(db: str, *args: str) -> Any:
    """`orchestron --db DB ARGS --json`, the installed command, as a person runs it."""
    exe = shutil.which("orchestron", path=str(Path(sys.executable).parent))
    assert exe, "the orchestron console script is not installed (uv sync --all-packages)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORCHESTRON_")}
    done = subprocess.run(
        [exe, "--db", db, *args, "--json"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def session_status(db: str) -> dict[str, str]:
    """Each session's status as the file holds it, read beside the server."""
    return {row[0]: row[3] for row in store_rows(Path(db))["sessions"]}


@pytest.mark.parametrize("first", ["/api/graph", "/graph", "/", "/api/tasks/TASK-001/requests"])
async def test_a_lapsed_lease_is_let_go_before_the_dashboard_shows_anything(
    first: str, client: Client, other: Orchestron, db_path: str
) -> None:
    task = await other.create_task("Schema")
    await other.create_task("Parser", depends_on=[task.id])  # so the graph draws both
    # An agent that claimed the task two hours ago and has not answered since.
    then = Orchestron(other.storage, FixedClock(datetime.now(UTC) - timedelta(hours=2)))
    session = await then.start_session("claude-1")
    await then.claim(task.id, session.id)
    assert session_status(db_path) == {session.id: "ACTIVE"}  # nobody has looked yet

    r = await client.get(first)
    assert r.status_code == 200, r.text
    assert session_status(db_path) == {session.id: "ABANDONED"}, f"{first} read past the lapse"

    shown = (await client.get(f"/api/tasks/{task.id}")).json()["task"]
    cards = (await client.get("/api/sessions")).json()["items"]
    assert shown["claimed_by"] is None and shown["status"] == "IN_PROGRESS"
    assert [(c["session"]["status"], c["tasks"]) for c in cards] == [("ABANDONED", [])]
    assert (await client.get("/api/session/current")).json()["session"] is None

    # The CLI, reading the same file, shows the same.
    cli_task = orchestron(db_path, "task", "show", task.id)["task"]
    cli_sessions = orchestron(db_path, "session", "list")["sessions"]
    assert (cli_task["claimed_by"], cli_task["status"]) == (None, shown["status"])
    assert [s["status"] for s in cli_sessions] == ["ABANDONED"]
