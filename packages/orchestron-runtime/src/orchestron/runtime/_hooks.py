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

from typing import Any

from orchestron.core import Orchestron, SessionStatus
from orchestron.core.errors import InvalidInputError, NotFoundError
from orchestron.runtime._hook_settings import HookSettings
from orchestron.runtime._hook_text import deny_reason, message_block

__all__ = ["PER_CALL_EVENTS", "answer_hook"]

PER_CALL_EVENTS = ("UserPromptSubmit", "PreToolUse", "PostToolUse")

HookOutput = dict[str, Any]


async def answer_hook(
    orch: Orchestron,
    event: str,
    session_id: str,
    *,
    tool_name: str = "",
    settings: HookSettings | None = None,
) -> HookOutput:
    """The hook JSON Claude Code reads for `event` in session `session_id` (`{}`: nothing)."""
    if event not in PER_CALL_EVENTS:
        raise InvalidInputError("event", f"{event!r} is not one of {', '.join(PER_CALL_EVENTS)}")
    chosen = settings or HookSettings()
    if not chosen.enabled.get(event, True):
        return {}
    if event == "PreToolUse":
        return await _gate(orch, session_id, tool_name, chosen)
    await _keep_alive(orch, session_id)
    block = message_block(await orch.take_messages(session_id, via="hook"))
    if not block:
        return {}
    return {"hookSpecificOutput": {"hookEventName": event, "additionalContext": block}}


async def _gate(orch: Orchestron, session_id: str, tool: str, settings: HookSettings) -> HookOutput:
    """A deny for a tool that changes things while the session's task may not change."""
    if not settings.denies(tool):
        return {}  # read-only tools go on without a look at the store
    try:
        held = await orch.session_tasks(session_id)
    except NotFoundError:
        return {}  # a session Orchestron never saw holds nothing
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


async def _keep_alive(orch: Orchestron, session_id: str) -> None:
    """Renew a live session's lease once half of it has run.

    A Claude Code session that edits for a long while without calling an
    Orchestron tool is still at work: its hooks keep its claims alive. A lease
    already lapsed is left for the core to reap.
    """
    try:
        session = await orch.get_session(session_id)
    except NotFoundError:
        return
    left = (session.lease_expires - orch.clock.now()).total_seconds()
    if session.status is SessionStatus.ACTIVE and 0 < left < orch.settings.lease_seconds / 2:
        await orch.heartbeat(session_id)
