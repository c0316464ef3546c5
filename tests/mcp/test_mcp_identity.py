"""One process, one agent session: who the agent is, and when its session starts and ends."""

from __future__ import annotations

import pytest
from mcp_helpers import call, error
from mcp_types import Implementation

from conftest import Env
from mcp import Client
from orchestron.mcp import ServerOptions, create_server
from orchestron.mcp._identity import agent_id_for

pytestmark = pytest.mark.anyio


def test_agent_id_from_the_client_name() -> None:
    assert agent_id_for("Claude Code", "3f9a") == "claude-code-3f9a"
    assert agent_id_for("", "3f9a") == "agent-3f9a"
    assert agent_id_for(None, "0000") == "agent-0000"
    assert agent_id_for("a/b  c!!", "1") == "a-b-c-1"


async def test_the_agent_option_names_the_actor(env: Env) -> None:
    async with Client(env.server(agent="claude-7")) as client:
        await call(client, "task_create", {"title": "One"})
    assert (await env.orch.get_task("TASK-001")).updated_by == "claude-7"


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_without_the_option_the_client_name_names_the_agent(env: Env, mode: str) -> None:
    info = Implementation(name="Claude Code", version="2.1")
    async with Client(env.server(), client_info=info, mode=mode) as client:
        await call(client, "task_create", {"title": "One"})
    actor = (await env.orch.get_task("TASK-001")).updated_by
    assert actor.startswith("claude-code-") and len(actor) == len("claude-code-") + 4


async def test_a_missing_project_is_explained_on_every_call(tmp_path: object) -> None:
    server = create_server(ServerOptions(cwd=tmp_path))  # type: ignore[arg-type]
    async with Client(server) as client:
        assert len((await client.list_tools()).tools) > 10
        message = await error(client, "task_list", {})
    assert "cannot open the Orchestron project" in message and "orchestron init" in message


async def test_the_session_starts_on_the_first_call_and_ends_on_close(env: Env) -> None:
    async with Client(env.server(agent="claude-1")) as client:
        tools = await client.list_tools()
        assert tools.tools
        assert await env.orch.list_sessions() == []  # type: ignore[attr-defined]
        status = await call(client, "session", {"action": "status"})
        assert status["agent"] == "claude-1" and status["status"] == "ACTIVE"
        sid = status["id"]
        again = await call(client, "session", {"action": "status"})
        assert again["id"] == sid
    ended = await env.orch.get_session(sid)  # type: ignore[attr-defined]
    assert ended.status.value == "ENDED"


async def test_claude_code_session_id_is_the_session_id(env: Env) -> None:
    sid = "5f1c2b7e-0d6a-4c1e-9a8b-3e4f5a6b7c8d"
    info = Implementation(name="claude-code", version="2.1")
    async with Client(env.server(session_id=sid), client_info=info) as client:
        status = await call(client, "session", {"action": "status"})
    # The rule Claude Code's hooks follow too (orchestron.runtime.agent_for_session).
    assert status["id"] == sid and status["agent"] == "claude-5f1c2b"


async def test_a_hook_started_session_keeps_its_agent(env: Env) -> None:
    sid = "7a7a7a7a-0000-4000-8000-000000000000"
    await env.orch.start_session("claude-main", session_id=sid)  # type: ignore[attr-defined]
    async with Client(env.server(session_id=sid)) as client:
        status = await call(client, "session", {"action": "status"})
    assert status["id"] == sid and status["agent"] == "claude-main"


async def test_ending_the_session_releases_claims_and_the_next_call_starts_another(
    env: Env,
) -> None:
    await env.orch.create_task("One")
    async with Client(env.server(agent="claude-1")) as client:
        first = await call(client, "task_next")
        assert first["claimed"]
        ended = await call(client, "session", {"action": "end"})
        assert ended["ended"]
        task = await env.orch.get_task("TASK-001")
        assert task.claimed_by is None
        status = await call(client, "session", {"action": "status"})
        assert status["id"] != ended["ended"]


async def test_a_lapsed_session_is_taken_up_again_on_the_next_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    from orchestron.core import Orchestron
    from orchestron.core.testing import FixedClock, MemoryStorage
    from orchestron.mcp import _identity

    monkeypatch.setattr(_identity, "HEARTBEAT_EVERY", 0.0)
    storage, clock = MemoryStorage(), FixedClock()
    human = Orchestron(storage, clock, actor="human")

    @asynccontextmanager
    async def opener() -> AsyncIterator[Orchestron]:
        yield Orchestron(storage, clock, actor="orchestron-mcp")

    await human.create_task("One")
    async with Client(create_server(ServerOptions(opener=opener, agent="claude-1"))) as client:
        first = await call(client, "session", {"action": "status"})
        clock.advance(minutes=30)  # asleep: the lease lapses
        await human.create_task("Two")  # any write reaps lapsed sessions
        assert (await human.get_session(first["id"])).status.value == "ABANDONED"
        again = await call(client, "session", {"action": "status"})
    assert again["id"] == first["id"] and again["status"] == "ACTIVE"
