"""Channel push (`notifications/claude/channel`) at the protocol level, with the SDK's client.

Claude Code speaks the handshake-era protocol (`initialize`, then
`notifications/initialized`), the only one with unsolicited notifications;
so the client here is forced to it (`mode="legacy"`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import pytest
from claude_support import SID, Project, run_hook
from mcp.client.extension import ClientExtension, NotificationBinding
from mcp.server.mcpserver import MCPServer

from mcp import Client, StdioServerParameters
from orchestron.core import Orchestron
from orchestron.mcp._channel import (
    CHANNEL_METHOD,
    ChannelParams,
    ChannelPusher,
    attach_on_initialized,
    channel_meta,
    channel_wanted,
)

pytestmark = pytest.mark.anyio


class ChannelObserver(ClientExtension):
    """Collects channel notifications, as Claude Code's client would receive them."""

    identifier = "dev.orchestron/channel-observer"

    def __init__(self) -> None:
        self.received: list[ChannelParams] = []
        self.arrived = anyio.Event()

    def notifications(self) -> Sequence[NotificationBinding[Any]]:
        async def seen(params: ChannelParams) -> None:
            self.received.append(params)
            self.arrived.set()

        return [NotificationBinding(method=CHANNEL_METHOD, params_type=ChannelParams, handler=seen)]


class _Message:
    def __init__(self, ident: str, text: str) -> None:
        self.id = ident
        self.text = text
        self.kind = "INTERVENTION"
        self.task_id = "TASK-001"
        self.author = "human:ann"
        self.request_id = None


class FakeInbox:
    """peek/take as the facade does them: taking empties what is pending."""

    def __init__(self) -> None:
        self.pending: list[_Message] = []
        self.taken_via: list[str] = []

    async def peek_messages(self, session_id: str) -> list[Any]:
        return list(self.pending)

    async def take_messages(self, session_id: str, *, via: str = "tool") -> list[Any]:
        taken, self.pending = self.pending, []
        self.taken_via.extend(via for _ in taken)
        return list(taken)


def _server(pusher: ChannelPusher) -> MCPServer[Any]:
    @asynccontextmanager
    async def lifespan(_app: MCPServer[Any]) -> AsyncIterator[dict[str, Any]]:
        async with anyio.create_task_group() as tg:
            tg.start_soon(pusher.run)
            yield {}
            tg.cancel_scope.cancel()

    app: MCPServer[Any] = MCPServer("channel-test", lifespan=lifespan)
    app.middleware.append(attach_on_initialized(pusher))

    @app.tool()
    def ping() -> str:
        return "pong"

    return app


async def test_each_message_is_pushed_once_with_its_meta() -> None:
    inbox = FakeInbox()
    pusher = ChannelPusher(lambda: inbox, lambda: "sid-1", every=0.05)
    observer = ChannelObserver()
    async with Client(_server(pusher), extensions=[observer], mode="legacy") as client:
        await client.list_tools()
        inbox.pending = [_Message("MSG-001", "Use PostgreSQL instead")]
        with anyio.fail_after(2):
            await observer.arrived.wait()
        await anyio.sleep(0.3)  # several more polls: nothing is sent twice
    assert [(p.content, p.meta) for p in observer.received] == [
        (
            "Use PostgreSQL instead",
            {
                "task_id": "TASK-001",
                "kind": "INTERVENTION",
                "author": "human:ann",
                "message_id": "MSG-001",
            },
        )
    ]
    assert inbox.taken_via == ["channel"]


async def test_nothing_is_taken_before_the_client_is_ready_or_without_a_session() -> None:
    inbox = FakeInbox()
    inbox.pending = [_Message("MSG-001", "early")]
    no_session = ChannelPusher(lambda: inbox, lambda: None, every=0.01)
    assert await no_session.push_once() == 0
    not_attached = ChannelPusher(lambda: inbox, lambda: "sid-1", every=0.01)
    assert await not_attached.push_once() == 0
    assert inbox.pending and inbox.taken_via == []


def test_pushing_is_opt_in() -> None:
    assert channel_wanted({}) is False
    assert channel_wanted({}, {"channel": True}) is True
    assert channel_wanted({}, {"channel": "yes"}) is False
    assert channel_wanted({"ORCHESTRON_CHANNEL": "1"}) is True
    assert channel_wanted({"ORCHESTRON_CHANNEL": "on"}, {}) is True
    assert channel_wanted({"ORCHESTRON_CHANNEL": "0"}, {"channel": True}) is False


def test_meta_keys_are_identifiers_and_values_strings() -> None:
    meta = channel_meta(_Message("MSG-009", "x"))
    assert all(key.isidentifier() for key in meta)
    assert all(isinstance(value, str) and value for value in meta.values())
    assert "request_id" not in meta  # empty values are left out


# -- the real server, as Claude Code starts it ---------------------------------------------------


def _server_params(project: Project, **env: str) -> StdioServerParameters:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ORCHESTRON_", "CLAUDE_"))}
    environ.update({"CLAUDE_CODE_SESSION_ID": SID, "CLAUDE_PROJECT_DIR": str(project.root), **env})
    server = Path(sys.executable).parent / "orchestron-mcp"
    return StdioServerParameters(command=str(server), args=[], env=environ, cwd=str(project.root))


def _intervene_from_another_process(project: Project, text: str) -> None:
    code = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from orchestron.runtime import open_orchestron\n"
        "async def main():\n"
        "    async with open_orchestron(cwd=Path(sys.argv[1]), actor='human:ann') as o:\n"
        "        await o.intervene('TASK-001', sys.argv[2])\n"
        "asyncio.run(main())\n"
    )
    subprocess.run([sys.executable, "-c", code, str(project.root), text], check=True)


def _claude_session_with_a_task(project: Project) -> None:
    async def held(orch: Orchestron) -> None:
        await orch.create_task("Build the login API")

    project.act(held)
    project.config("[hooks]\nclaim_next = true\n")
    start = run_hook("SessionStart", project.payload("SessionStart", source="startup"))
    assert "claimed for your session" in start.out, start.out + start.err
    project.config("")


async def test_a_message_from_another_process_arrives_once_as_a_channel_event(
    project: Project,
) -> None:
    await anyio.to_thread.run_sync(_claude_session_with_a_task, project)
    observer = ChannelObserver()
    params = _server_params(project, ORCHESTRON_CHANNEL="1")
    async with Client(params, extensions=[observer], mode="legacy") as client:
        await client.list_tools()
        await anyio.to_thread.run_sync(
            _intervene_from_another_process, project, "Use PostgreSQL instead"
        )
        sent = anyio.current_time()
        with anyio.fail_after(2):
            await observer.arrived.wait()
        arrived = anyio.current_time() - sent
        reply = await client.call_tool("session", {"action": "status"})
        texts = " ".join(getattr(c, "text", "") for c in reply.content)
        assert "Use PostgreSQL instead" not in texts
        hook = await anyio.to_thread.run_sync(
            lambda: run_hook("UserPromptSubmit", project.payload("UserPromptSubmit"))
        )
        assert hook.out == ""
        await anyio.sleep(0.6)  # another poll or two
    assert arrived < 2.0
    assert [
        (p.content, (p.meta or {}).get("task_id"), (p.meta or {}).get("kind"))
        for p in observer.received
    ] == [("Use PostgreSQL instead", "TASK-001", "INTERVENTION")]
    messages = await anyio.to_thread.run_sync(
        lambda: project.act(lambda o: o.messages_for("TASK-001"))
    )
    assert [(m.delivered_to, m.delivered_via) for m in messages] == [(SID, "channel")]


async def test_without_opting_in_nothing_is_pushed_and_the_hook_delivers(
    project: Project,
) -> None:
    await anyio.to_thread.run_sync(_claude_session_with_a_task, project)
    observer = ChannelObserver()
    async with Client(_server_params(project), extensions=[observer], mode="legacy") as client:
        await client.list_tools()
        await anyio.to_thread.run_sync(_intervene_from_another_process, project, "Hello there")
        await anyio.sleep(1.5)
        assert observer.received == []
        hook = await anyio.to_thread.run_sync(
            lambda: run_hook("UserPromptSubmit", project.payload("UserPromptSubmit"))
        )
        assert "Hello there" in hook.out
