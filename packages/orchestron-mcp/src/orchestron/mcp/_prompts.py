"""Prompts: `resume-work` (pick up where the last session stopped) and `handoff`."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from orchestron.core.errors import OrchestronError
from orchestron.mcp._budget import dumps
from orchestron.mcp._errors import agent_text
from orchestron.mcp._server import Ctx, OrchestronServer, client_name, current

__all__ = ["register"]


def register(app: OrchestronServer) -> None:
    @app.prompt(
        name="resume-work",
        description="Pick up where the last session stopped: handoff, unfinished task or next",
    )
    async def resume_work(ctx: Ctx) -> str:
        state = current(ctx)
        agent = await state.identify(client_name(ctx))
        preview = ""
        if state.orch is not None:
            try:
                package = await state.orch.resume(agent)
                preview = f"\n\nWhat Orchestron has for you now (a preview): {package.instruction}"
            except OrchestronError as exc:
                preview = f"\n\n(Orchestron could not preview it: {agent_text(exc)})"
        return (
            "Resume work on this project with Orchestron. Call the `resume` tool: it takes a "
            "pending handoff, else your unfinished task, else claims the next ready task, and "
            "gives its context and checkpoints. Read the context, then carry on from its next "
            "steps. Report progress with `task_update` (tick checkpoints with checkpointsDone) "
            "and finish with `task_complete`." + preview
        )

    @app.prompt(
        name="handoff",
        description="Save your context and hand your work over to the next session",
    )
    async def handoff_prompt(
        note: Annotated[str | None, Field(description="A word to the next agent")] = None,
        to_agent: Annotated[str | None, Field(description="Hand over to this agent only")] = None,
    ) -> str:
        args = {k: v for k, v in (("note", note), ("toAgent", to_agent)) if v}
        extra = f" with {dumps(args)}" if args else ""
        return (
            "You are about to stop. Hand your work over with Orchestron:\n"
            "1. `task_update` the task in hand: its progress, and checkpointsDone for steps done.\n"
            "2. `context_save` with current_task, completed_steps, next_steps (concrete, in "
            "order), critical_decisions (what you chose and why), open_questions and "
            "files_touched.\n"
            f"3. `handoff` action=prepare{extra}.\n"
            "Then say in one line what the next session should do first."
        )
