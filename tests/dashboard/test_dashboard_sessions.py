"""Sessions over HTTP: the current session, what each holds, its last context, handoffs;
and the sessions page."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from orchestron.core import Orchestron

pytestmark = pytest.mark.anyio

Client = AsyncTestClient  # type: ignore[type-arg]


async def test_no_one_at_work(client: Client) -> None:
    r = await client.get("/api/session/current")
    assert r.status_code == 200
    assert r.json() == {"session": None, "tasks": [], "context": None}
    assert (await client.get("/api/sessions")).json()["items"] == []
    html = (await client.get("/sessions")).text
    assert "No agent is working right now" in html


async def test_current_session_with_its_task_and_context(client: Client, other: Orchestron) -> None:
    task = await other.create_task("Build the parser")
    first = await other.start_session("claude-1", client="claude-code")
    second = await other.start_session("claude-2")
    await other.claim(task.id, first.id)
    await other.save_context(
        first.id, {"next_steps": ["write tests"], "notes": "TOML chosen"}, task_id=task.id
    )
    body = (await client.get("/api/session/current", params={"agent": "claude-1"})).json()
    assert body["session"]["id"] == first.id and body["session"]["agent_id"] == "claude-1"
    assert [t["id"] for t in body["tasks"]] == [task.id]
    assert body["context"]["data"]["next_steps"] == ["write tests"]
    newest = (await client.get("/api/session/current")).json()
    assert newest["session"]["id"] == second.id
    listed = (await client.get("/api/sessions", params={"active": "true"})).json()["items"]
    assert {c["session"]["id"] for c in listed} == {first.id, second.id}
    one = (await client.get(f"/api/sessions/{first.id}")).json()
    assert one["tasks"][0]["title"] == "Build the parser"
    assert (await client.get("/api/sessions/nope")).status_code == 404

    html = (await client.get("/sessions")).text
    assert "claude-1" in html and "Build the parser" in html
    assert "write tests" in html and "TOML chosen" in html


async def test_handoffs_are_listed(client: Client, other: Orchestron) -> None:
    task = await other.create_task("Half done")
    session = await other.start_session("claude-1")
    await other.claim(task.id, session.id)
    await other.save_context(session.id, {"next_steps": ["finish it"]}, task_id=task.id)
    handoff = await other.prepare_handoff(session.id, to_agent="claude-2", note="over to you")
    items = (await client.get("/api/handoffs", params={"pending": "true"})).json()["items"]
    assert [h["id"] for h in items] == [handoff.id]
    assert items[0]["to_agent"] == "claude-2"
    html = (await client.get("/sessions")).text
    assert handoff.id in html and "claude-2" in html
