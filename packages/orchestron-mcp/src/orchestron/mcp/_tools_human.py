"""The human channel from the agent's side: ask a person, read the answers."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp_types import ToolAnnotations
from pydantic import Field

from orchestron.core import HumanRequest
from orchestron.core.errors import InvalidInputError
from orchestron.mcp._args import OptTaskId, TaskId, Verbose, any_case
from orchestron.mcp._server import Ctx, OrchestronServer, begin

__all__ = ["register", "request_dict"]


def request_dict(request: HumanRequest) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": request.id,
        "kind": request.kind.value,
        "status": request.status.value,
        "question": request.text,
    }
    if request.task_id:
        out["task"] = request.task_id
    if request.answer is not None:
        out["answer"] = request.answer
        out["answeredBy"] = request.answered_by
    return out


def register(app: OrchestronServer) -> None:
    @app.tool(structured_output=False)
    async def ask_human(
        ctx: Ctx,
        question: Annotated[
            str, Field(description="The question or what you need", min_length=1, max_length=4000)
        ],
        kind: Annotated[
            Literal["CLARIFICATION", "HELP", "APPROVAL"],
            any_case("CLARIFICATION", "HELP", "APPROVAL"),
            Field(description="CLARIFICATION needs taskId"),
        ] = "CLARIFICATION",
        taskId: OptTaskId = None,
        urgency: Annotated[
            Literal["LOW", "NORMAL", "HIGH", "CRITICAL"] | None,
            any_case("LOW", "NORMAL", "HIGH", "CRITICAL"),
            Field(description="Default NORMAL"),
        ] = None,
        blocking: Annotated[
            bool | None,
            Field(
                description="Task waits (BLOCKED) for the answer; default true for clarification"
            ),
        ] = None,
    ) -> str:
        """Ask the human / user a question: clarification on a task, help, or approval. The
        answer arrives in a later tool reply (or via clarifications)."""
        call = await begin(ctx)
        if kind == "CLARIFICATION":
            if not taskId:
                raise InvalidInputError("task_id", "a clarification is about a task: pass taskId")
            request = await call.orch.request_clarification(
                taskId,
                question,
                session_id=call.session_id or None,
                blocking=True if blocking is None else blocking,
            )
        else:
            request = await call.orch.request_intervention(
                question,
                kind=kind,
                task_id=taskId,
                session_id=call.session_id or None,
                urgency=urgency,
                blocking=bool(blocking),
            )
        reply = request_dict(request)
        reply["next"] = "the answer reaches you in a later tool reply; carry on with other work"
        return call.reply(reply)

    @app.tool(structured_output=False, annotations=ToolAnnotations(read_only_hint=True))
    async def clarifications(ctx: Ctx, taskId: TaskId, verbose: Verbose = False) -> str:
        """Read the questions asked about a task and the human's answers."""
        call = await begin(ctx)
        found = await call.orch.clarifications(taskId)
        return call.reply(
            {"task": taskId.upper(), "requests": [request_dict(r) for r in found]}, verbose=verbose
        )
