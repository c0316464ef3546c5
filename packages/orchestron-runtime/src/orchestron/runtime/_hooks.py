"""Claude Code's per-prompt and per-tool hooks, answered through the core: one implementation.

Two doors call `answer_hook` with the same arguments: the `hook` tool of the
session's own `orchestron-mcp` (Claude Code's `mcp_tool` hooks: the server is
warm and already holds the session) and `orchestron hook EVENT` (clients
without `mcp_tool`). Each passes an `Orchestron` bound to the Claude Code
session (`Orchestron.for_session`) and gets back the hook's JSON output:

- UserPromptSubmit, PostToolUse: people's unread messages, each delivered
  once (the core's `take_messages`), as `additionalContext`; `{}` for none.
- PreToolUse: while a task the session holds is paused by a person or waits
  for a person's answer, a tool that changes things gets a `deny` with the
  person's reason; read tools (Read, Grep, Glob, LS, ...) go on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orchestron.core import Orchestron, Session, SessionStatus
from orchestron.core.errors import InvalidInputError, NotFoundError, OrchestronError
from orchestron.runtime._actor import agent_for_session
from orchestron.runtime._config import load_config
from orchestron.runtime._hook_settings import HookSettings, hook_settings
from orchestron.runtime._hook_text import deny_reason, message_block
from orchestron.runtime._locate import StoreLocation

__all__ = ["PER_CALL_EVENTS", "acting_for_session", "answer_hook", "project_hook_settings"]

PER_CALL_EVENTS = ("UserPromptSubmit", "PreToolUse", "PostToolUse")

HookOutput = dict[str, Any]


async def answer_hook(
    orch: Orchestron,
    event: str,
    session_id: str,
    *,
    tool_name: str = "",
    settings: HookSettings | None = None,
    agent: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> HookOutput:
    """The hook JSON Claude Code reads for `event` in session `session_id` (`{}`: nothing).

    `orch` is the project's facade; the answer acts as the session's agent
    (`acting_for_session`, with `agent` and `environ` as it takes them).
    """
    if event not in PER_CALL_EVENTS:
        raise InvalidInputError("event", f"{event!r} is not one of {', '.join(PER_CALL_EVENTS)}")
    chosen = settings or HookSettings()
    if not chosen.enabled.get(event, True):
        return {}
    if event == "PreToolUse" and not chosen.denies(tool_name):
        return {}  # read-only tools go on without a look at the store
    me, session = await _acting(orch, session_id, agent, environ)
    if event == "PreToolUse":
        return await _gate(me, session, tool_name) if session is not None else {}
    if session is not None:
        await _keep_alive(me, session)
    block = message_block(await me.take_messages(session_id, via="hook"))
    if not block:
        return {}
    return {"hookSpecificOutput": {"hookEventName": event, "additionalContext": block}}


async def acting_for_session(
    orch: Orchestron,
    session_id: str,
    *,
    agent: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Orchestron:
    """The facade acting as a Claude Code session's agent, for that session.

    `agent` if given (an `orchestron-mcp --agent`), else `agent_for_session`:
    the hooks and the session's MCP server act as one agent.
    """
    me, _ = await _acting(orch, session_id, agent, environ)
    return me


def project_hook_settings(location: StoreLocation | None) -> HookSettings:
    """The project's `[hooks]` settings. A config that cannot be read gives the
    defaults, with why first in `problems`: a hook never breaks the session."""
    try:
        table = load_config(location).hooks
    except OrchestronError as exc:
        settings = hook_settings({})
        settings.problems.insert(0, f"{exc.message}; using the default [hooks] settings")
        return settings
    return hook_settings(table)


async def _acting(
    orch: Orchestron, session_id: str, agent: str | None, environ: Mapping[str, str] | None
) -> tuple[Orchestron, Session | None]:
    """The bound facade, and the session as the store has it (None: never seen)."""
    try:
        session: Session | None = await orch.get_session(session_id)
    except NotFoundError:
        session = None
    owner = session.agent_id if session is not None else None
    name = agent or agent_for_session(session_id, owner, environ)
    return orch.acting_as(name).for_session(session_id), session


async def _gate(orch: Orchestron, session: Session, tool: str) -> HookOutput:
    """A deny for a tool that changes things while the session's task may not change."""
    held = await orch.session_tasks(session.id)
    for task in sorted(held, key=lambda t: t.id):
        status = task.status.value
        if status == "PAUSED":
            said = [m for m in await orch.messages_for(task.id) if m.kind.value == "PAUSE"]
            last = said[-1] if said else None
            reason = deny_reason(
                task.id,
                task.title,
                status,
                reason=last.text if last else "",
                by=last.author if last else "",
                tool=tool,
            )
        elif status == "BLOCKED":
            # In the order the core gives a person's inbox: one rule for every door.
            asked = [
                (r.id, r.text) for r in await orch.inbox() if r.task_id == task.id and r.blocking
            ]
            reason = deny_reason(task.id, task.title, status, requests=asked, tool=tool)
        else:
            continue
        return {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": reason,
            }
        }
    return {}


async def _keep_alive(orch: Orchestron, session: Session) -> None:
    """Renew a live session's lease once half of it has run.

    A Claude Code session that edits for a long while without calling an
    Orchestron tool is still at work: its hooks keep its claims alive. A lease
    already lapsed is left for the core to reap.
    """
    left = (session.lease_expires - orch.clock.now()).total_seconds()
    if session.status is SessionStatus.ACTIVE and 0 < left < orch.settings.lease_seconds / 2:
        await orch.heartbeat(session.id)
