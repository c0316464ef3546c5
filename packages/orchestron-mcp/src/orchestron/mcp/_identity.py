"""Who this server process is: one agent, one Orchestron session.

The agent id comes from `--agent` / `ORCHESTRON_AGENT`, else the agent that
already owns the session. When Claude Code started us, `CLAUDE_CODE_SESSION_ID`
becomes the session id and the agent follows the same rule as its hooks
(`orchestron.runtime.agent_for_session`), so they act as one session and one
agent; another client is named after itself plus a short suffix. The session starts on the first tool call, is renewed on
every call, and ends when the connection closes.
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

import anyio
from attrs import define, field

from orchestron.core import Orchestron, SessionStatus
from orchestron.core.errors import OrchestronError
from orchestron.runtime import agent_for_session, agent_id_for

__all__ = ["AgentSession", "agent_id_for"]

log = logging.getLogger("orchestron.mcp")

HEARTBEAT_EVERY = 5.0
"""Seconds between lease renewals; the lease itself lasts minutes."""


@define
class AgentSession:
    """This process's place in the project: the opened facade and the live session."""

    orch: Orchestron | None
    open_error: str | None = None
    agent_hint: str | None = None
    external_session: str | None = None
    agent_id: str | None = None
    session_id: str | None = None
    client_name: str = ""
    last_beat: float = 0.0
    suffix: str = field(factory=lambda: secrets.token_hex(2))
    _lock: anyio.Lock = field(factory=anyio.Lock)

    @property
    def facade(self) -> Orchestron:
        """The facade acting as this agent; a clear error when no project could be opened."""
        if self.orch is None:
            raise OrchestronError(self.open_error or "no Orchestron project is open")
        return self.orch

    async def identify(self, client_name: str | None) -> str:
        """Settle the agent id (once): the option, else the agent that already owns the
        external session (a Claude Code hook may have started it), else the rule the
        hooks follow for a Claude Code session, else the client's name."""
        if self.agent_id is not None:
            return self.agent_id
        agent = self.agent_hint
        if agent is None and self.external_session and self.orch is not None:
            try:
                agent = (await self.orch.get_session(self.external_session)).agent_id
            except OrchestronError:
                agent = None  # not started yet: we start it below
        if agent is None and self.external_session:
            agent = agent_for_session(self.external_session, None, {})
        if agent is None:
            agent = agent_id_for(client_name, self.suffix)
        self.agent_id = agent
        self.client_name = client_name or ""
        if self.orch is not None:
            self.orch = self.orch.acting_as(agent)
        return agent

    async def ensure(self, client_name: str | None) -> str:
        """The live session id, starting it on first use and renewing its lease."""
        await self.identify(client_name)
        orch = self.facade
        async with self._lock:
            if self.session_id is None:
                await self._start(orch, self.external_session)
            elif time.monotonic() - self.last_beat >= HEARTBEAT_EVERY:
                await self._renew(orch, self.session_id)
            assert self.session_id is not None
            return self.session_id

    async def keep_alive(self) -> None:
        """Renew the lease while the connection is open, however long the agent thinks.

        The process lives exactly as long as its client (stdio), so a live process
        is a live agent; a crashed one stops renewing and its claims are reaped.
        """
        if self.orch is None:
            return
        every = max(1.0, self.orch.settings.lease_seconds / 3)
        while True:
            await anyio.sleep(every)
            async with self._lock:
                if self.session_id is not None and self.orch is not None:
                    try:
                        await self._renew(self.orch, self.session_id)
                    except OrchestronError as exc:
                        log.warning("could not renew session %s: %s", self.session_id, exc)

    async def _renew(self, orch: Orchestron, session_id: str) -> None:
        try:
            await orch.heartbeat(session_id)
            self.last_beat = time.monotonic()
        except OrchestronError:
            # The lease lapsed (a laptop asleep, a process stopped) and the session was
            # reaped: take the same session up again, with what it held that nobody has
            # carried on since. One a person ended stays ended: start a new one.
            ended = (await orch.get_session(session_id)).status is SessionStatus.ENDED
            if ended:
                log.warning("session %s was ended by someone else; starting a new one", session_id)
            await self._start(orch, None if ended else session_id)

    async def _start(self, orch: Orchestron, session_id: str | None) -> None:
        assert self.agent_id is not None
        session = await orch.start_session(
            self.agent_id, session_id=session_id, client=self.client_name
        )
        self.session_id = session.id
        self.last_beat = time.monotonic()

    async def end(self) -> str | None:
        """End the live session, if any; the next tool call starts a new one."""
        async with self._lock:
            sid, self.session_id = self.session_id, None
            if sid is not None and self.orch is not None:
                await self.orch.end_session(sid)
            return sid

    async def take_messages(self) -> list[Any]:
        """Unread words from people for this session, marked delivered (exactly once)."""
        if not self.session_id or self.orch is None:
            return []
        return list(await self.orch.take_messages(self.session_id, via="tool"))
