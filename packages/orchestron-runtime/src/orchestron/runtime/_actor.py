"""Who is acting: a person (one rule for every door a person uses), and an agent's id
(one rule for every door of a Claude Code session: its hooks and its MCP server)."""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Mapping

__all__ = ["agent_for_session", "agent_id_for", "person_actor"]

PERSON_PREFIX = "human:"


def person_actor(environ: Mapping[str, str] | None = None) -> str:
    """`human:<login>`: $ORCHESTRON_ACTOR if set, else the OS user running the door.

    The CLI records what a person types under this name and the dashboard what a
    person clicks, so one person reads as one actor whichever door they used.
    """
    env = os.environ if environ is None else environ
    login = env.get("ORCHESTRON_ACTOR", "").strip()
    if not login:
        try:
            login = getpass.getuser()
        except (KeyError, OSError):
            login = "unknown"
    return login if login.startswith(PERSON_PREFIX) else f"{PERSON_PREFIX}{login}"


def agent_for_session(
    session_id: str, owner: str | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """The agent a Claude Code session acts as, whichever of its doors asks first.

    `ORCHESTRON_AGENT` if set; else the agent that already owns the session;
    else `claude-` and the first six letters or digits of the session id
    (`claude-0f1e2d`). The `orchestron hook` command and the session's
    `orchestron-mcp` both call this, so they act as one agent.
    """
    env = os.environ if environ is None else environ
    named = env.get("ORCHESTRON_AGENT", "").strip()
    if named:
        return named
    if owner:
        return owner
    stem = "".join(ch for ch in session_id.lower() if ch.isalnum())[:6]
    return f"claude-{stem or 'code'}"


def agent_id_for(client_name: str | None, suffix: str) -> str:
    """An MCP client with no Claude Code session: `cursor-3f9a` from a client named "Cursor"."""
    slug = re.sub(r"[^a-z0-9]+", "-", (client_name or "").lower()).strip("-")[:24]
    return f"{slug or 'agent'}-{suffix}"
