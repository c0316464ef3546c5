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

from orchestron.core.errors import OrchestronError
from orchestron.mcp._identity import AgentSession
from orchestron.mcp._server import Ctx, OrchestronServer, current
from orchestron.runtime import (
    PER_CALL_EVENTS,
    HookSettings,
    StoreLocation,
    answer_hook,
    locate_store,
    project_hook_settings,
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
        state = current(ctx)
        # The hook's own session id (it follows `/clear`), else this server's. The
        # server's session is not started here: the SessionStart hook starts it, the
        # agent's first tool call takes it up, and a hook answered here keeps it alive.
        sid = session_id.strip() or state.external_session
        if state.orch is None or not sid:
            return "{}"  # no project open here, or no session named: stay out of the way
        answer = await answer_hook(
            state.orch,
            event,
            sid,
            tool_name=tool_name,
            settings=_settings(app),
            agent=state.agent_hint,
            environ={},  # this server's agent is `state.agent_hint` (--agent)
        )
        return json.dumps(answer, ensure_ascii=False)


def _settings(app: OrchestronServer) -> HookSettings:
    """The project's `[hooks]` table, read at each call: a person may change it mid-session."""
    options = app.options
    try:
        location: StoreLocation | None = locate_store(options.db, cwd=options.cwd)
    except OrchestronError as exc:  # the project moved away under the running server
        log.warning("hook: %s", exc)
        location = None
    settings = project_hook_settings(location)
    for problem in settings.problems:
        log.warning("hook: %s", problem)
    return settings
