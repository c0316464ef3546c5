"""`hook`: Claude Code's per-prompt and per-tool hooks, answered by this warm server.

`orchestron setup claude` (and the plugin) write UserPromptSubmit, PreToolUse
and PostToolUse as `mcp_tool` hooks that call this tool with the hook's
event, session id and tool name. It answers with the hook's JSON output from
`orchestron.runtime.answer_hook`, the same code `orchestron hook EVENT`
runs, so either door gives the same answer.

The tool is marked for the host, not the model (`_meta.ui.visibility` =
`["app"]`): Claude Code keeps it out of the model's tool list and its hooks
may still call it. Its reply is the hook JSON alone: no people's messages ride
on it (they would break the JSON, and the hook delivers them itself).
"""

from __future__ import annotations

import json
import logging
from typing import Annotated

from pydantic import Field

from orchestron.core import Orchestron
from orchestron.core.errors import NotFoundError, OrchestronError
from orchestron.mcp._identity import AgentSession
from orchestron.mcp._server import Ctx, OrchestronServer, current
from orchestron.runtime import (
    PER_CALL_EVENTS,
    HookSettings,
    agent_for_session,
    answer_hook,
    hook_settings,
    load_config,
    locate_store,
)

__all__ = ["HOOK_TOOL", "register"]

log = logging.getLogger("orchestron.mcp")

HOOK_TOOL = "hook"
HIDDEN_FROM_MODEL = {"ui": {"visibility": ["app"]}}


def register(app: OrchestronServer) -> None:
    async def warm(state: AgentSession) -> None:
        """Read what the first hook reads, before Claude Code's first prompt asks."""
        sid = state.external_session
        if state.orch is None or not sid:
            return
        _settings(app)
        try:
            await state.orch.peek_messages(sid)
            await state.orch.session_tasks(sid)
        except OrchestronError as exc:
            log.debug("hook warm-up: %s", exc)

    app.warmers.append(warm)

    @app.tool(name=HOOK_TOOL, structured_output=False, meta=HIDDEN_FROM_MODEL)
    async def hook(
        ctx: Ctx,
        event: Annotated[str, Field(description="UserPromptSubmit, PreToolUse or PostToolUse")],
        session_id: Annotated[str, Field(description="the hook input's session_id")] = "",
        tool_name: Annotated[str, Field(description="PreToolUse: the tool about to run")] = "",
    ) -> str:
        """For Claude Code's hooks only (set up by `orchestron setup claude`), not for agents.

        Answers a hook with its JSON output.
        """
        if event not in PER_CALL_EVENTS:
            return "{}"  # an event this tool does not serve: nothing to say
        settings = _settings(app)
        if event == "PreToolUse" and not settings.denies(tool_name):
            return "{}"  # a tool that changes nothing goes on, whatever the task's state
        bound = await _bound(ctx, session_id.strip())
        if bound is None:
            return "{}"  # no project open here: stay out of the way, as the command does
        orch, sid = bound
        answer = await answer_hook(orch, event, sid, tool_name=tool_name, settings=settings)
        return json.dumps(answer, ensure_ascii=False)


async def _bound(ctx: Ctx, session_id: str) -> tuple[Orchestron, str] | None:
    """The facade acting for the hook's Claude Code session, as its agent.

    The hook's own session id (it follows `/clear`), else this server's. The
    server's session is not started here: the SessionStart hook starts it, the
    agent's first tool call takes it up, and a hook answered here keeps it alive.
    """
    state = current(ctx)
    sid = session_id or state.external_session
    if state.orch is None or not sid:
        return None  # no project open, or no Claude Code session named
    try:
        owner: str | None = (await state.orch.get_session(sid)).agent_id
    except NotFoundError:
        owner = None
    agent = state.agent_hint or agent_for_session(sid, owner, {})
    return state.orch.acting_as(agent).for_session(sid), sid


def _settings(app: OrchestronServer) -> HookSettings:
    """The project's `[hooks]` table, read at each call: a person may change it mid-session."""
    options = app.options
    try:
        table = load_config(locate_store(options.db, cwd=options.cwd)).hooks
    except OrchestronError as exc:
        log.warning("hook: using the default [hooks] settings: %s", exc)
        table = {}
    settings = hook_settings(table)
    for problem in settings.problems:
        log.warning("hook: %s", problem)
    return settings
