"""Channel push (`notifications/claude/channel`) at the protocol level, with the SDK's client.

Claude Code speaks the handshake-era protocol (`initialize`, then
`notifications/initialized`), the only one with unsolicited notifications;
so the client here is forced to it (`mode="legacy"`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.client.extension import ClientExtension, NotificationBinding
from mcp.server.mcpserver import MCPServer

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
