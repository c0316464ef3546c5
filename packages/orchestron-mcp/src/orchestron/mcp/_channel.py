"""Pushing a person's messages into a live Claude Code session (`claude/channel`).

The server always declares `capabilities.experimental["claude/channel"]`.
Claude Code, when started with channels enabled for this server, turns each
`notifications/claude/channel` notification into a `<channel>` event the model
reads at once, even mid-task. Nothing in the protocol says whether the client
did enable them, and a notification it ignores is gone; so pushing is opt-in
on our side too: `ORCHESTRON_CHANNEL=1` in the server's environment, or
`channel = true` under `[hooks]` in `.orchestron/config.toml`. Without it no
message is taken here, and the hooks or the next tool reply deliver it.

While connected and opted in, the server looks for undelivered messages for
its session every `POLL_SECONDS` (a read, no lock), takes them (marked
delivered "via channel" in one write, so a hook or tool reply racing for the
same message hands it over once between them) and sends one notification per
message: `content` is the person's text, `meta` the task id, kind, author and
message id. A message is marked before it is sent: if the connection breaks
in that instant it is lost with the connection (documented in
docs/claude-code.md).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from typing import Any, Literal, Protocol

import anyio
from mcp_types import Notification, NotificationParams

from mcp.server.context import CallNext, HandlerResult, ServerMiddleware, ServerRequestContext

__all__ = [
    "CHANNEL_METHOD",
    "POLL_SECONDS",
    "ChannelNotification",
    "ChannelParams",
    "ChannelPusher",
    "channel_meta",
    "channel_wanted",
]

log = logging.getLogger("orchestron.mcp.channel")

CHANNEL_METHOD: Literal["notifications/claude/channel"] = "notifications/claude/channel"
POLL_SECONDS = 0.5
_ON = {"1", "true", "yes", "on"}


class ChannelParams(NotificationParams):
    """`content` and `meta` as Claude Code reads them (`meta`, not the protocol's `_meta`)."""

    content: str
    meta: dict[str, str] | None = None


class ChannelNotification(Notification[ChannelParams, Literal["notifications/claude/channel"]]):
    method: Literal["notifications/claude/channel"] = CHANNEL_METHOD
    params: ChannelParams


class _Sender(Protocol):
    async def send_notification(self, notification: Any) -> None: ...


class _Messages(Protocol):
    async def peek_messages(self, session_id: str) -> list[Any]: ...

    async def take_messages(self, session_id: str, *, via: str = ...) -> list[Any]: ...


def channel_wanted(environ: Mapping[str, str], hooks: Mapping[str, Any] | None = None) -> bool:
    """Opted in: `ORCHESTRON_CHANNEL` (1/true/yes/on, or 0/false to turn a config off)."""
    given = environ.get("ORCHESTRON_CHANNEL", "").strip().lower()
    if given:
        return given in _ON
    return bool(hooks) and (hooks or {}).get("channel") is True


def project_wants_channel(db: str | None, cwd: Any) -> bool:
    """What the project's `[hooks] channel` says (False when there is no config)."""
    try:
        from orchestron.runtime import load_config, locate_store

        return channel_wanted(os.environ, load_config(locate_store(db, cwd=cwd)).hooks)
    except Exception:  # noqa: BLE001 - a bad config is reported when the store opens
        return channel_wanted(os.environ)


def channel_meta(message: Any) -> dict[str, str]:
    """Claude Code's meta: a string map whose keys are identifiers; empty values left out."""
    kind = getattr(message, "kind", "")
    meta = {
        "task_id": getattr(message, "task_id", None),
        "kind": getattr(kind, "value", kind),
        "author": getattr(message, "author", None),
        "message_id": getattr(message, "id", None),
        "request_id": getattr(message, "request_id", None),
    }
    return {key: str(value) for key, value in meta.items() if value}


class ChannelPusher:
    """Polls the store for the session's messages and pushes each one, once.

    `facade` and `session_id` are read at every poll (the session starts on
    the first tool call, or was started by a Claude Code hook); `attach` gives
    it the connection to send on, once the client has initialised.
    """

    def __init__(
        self,
        facade: Callable[[], _Messages | None],
        session_id: Callable[[], str | None],
        *,
        every: float = POLL_SECONDS,
    ) -> None:
        self._facade = facade
        self._session_id = session_id
        self.every = every
        self._sender: _Sender | None = None
        self._attached = anyio.Event()
        self.pushed = 0

    def attach(self, sender: _Sender) -> None:
        if self._sender is None:
            self._sender = sender
            self._attached.set()

    async def run(self) -> None:
        """Poll until cancelled; a failing poll is logged and retried a little later."""
        await self._attached.wait()
        delay = self.every
        while True:
            await anyio.sleep(delay)
            try:
                await self.push_once()
                delay = self.every
            except Exception as exc:  # noqa: BLE001 - the store busy or closing: retry, slower
                log.warning("channel: could not deliver messages: %s", exc)
                delay = min(max(delay * 2, self.every), 10.0)

    async def push_once(self) -> int:
        """Take the session's undelivered messages and send them; how many were sent."""
        facade, sid, sender = self._facade(), self._session_id(), self._sender
        if facade is None or not sid or sender is None:
            return 0
        if not await facade.peek_messages(sid):
            return 0  # the usual case: a read, no write lock
        taken = await facade.take_messages(sid, via="channel")
        for message in taken:
            note = ChannelNotification(
                params=ChannelParams(
                    content=str(getattr(message, "text", "")), meta=channel_meta(message)
                )
            )
            await sender.send_notification(note)
            self.pushed += 1
        return len(taken)


def attach_on_initialized(pusher: ChannelPusher) -> ServerMiddleware[Any]:
    """Server middleware that hands the connection to `pusher` once the client is ready."""

    async def middleware(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        result = await call_next(ctx)
        if ctx.method == "notifications/initialized":
            pusher.attach(ctx.session)
        return result

    return middleware
