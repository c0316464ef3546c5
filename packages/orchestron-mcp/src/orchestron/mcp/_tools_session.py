"""Session memory tools: session, context_save, context_load, handoff, resume."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp_types import ToolAnnotations
from pydantic import Field

from orchestron.core import Handoff, ResumePackage, Session
from orchestron.core.errors import InvalidInputError
from orchestron.mcp._args import OptTaskId, Verbose
from orchestron.mcp._budget import task_detail, task_line
from orchestron.mcp._messages import message_dict
from orchestron.mcp._server import Ctx, OrchestronServer, begin

__all__ = ["handoff_dict", "register", "resume_dict", "session_dict"]


def session_dict(session: Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "agent": session.agent_id,
        "status": session.status.value,
        "startedAt": session.started_at,
        "leaseExpires": session.lease_expires,
    }


def handoff_dict(handoff: Handoff, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": handoff.id,
        "from": f"{handoff.from_agent} ({handoff.from_session})",
        "status": handoff.status.value,
        "task": handoff.task_id,
        "createdAt": handoff.created_at,
    }
    if handoff.to_agent:
        out["to"] = handoff.to_agent
    if full:
        out["package"] = handoff.package
    elif handoff.package.get("note"):
        out["note"] = handoff.package["note"]
    return {k: v for k, v in out.items() if v is not None}


def resume_dict(package: ResumePackage) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": package.kind, "instruction": package.instruction}
    if package.task is not None:
        out["task"] = task_detail(package.task)
    if package.context:
        out["context"] = package.context
    if package.handoff is not None:
        out["handoff"] = handoff_dict(package.handoff)
    if package.requests:
        # Still open now: one answered since a handoff was packaged is not listed.
        out["openRequests"] = [
            {"id": r.id, "kind": r.kind.value, "text": r.text, "urgency": r.urgency.value}
            for r in package.requests
        ]
    if package.checkpoints and package.task is None:
        out["checkpoints"] = [
            f"{'[x]' if c.done else '[ ]'} {c.title}" for c in package.checkpoints
        ]
    if package.messages:
        out["messages"] = [message_dict(m) for m in package.messages]
    if package.memory:
        out["memory"] = package.memory
    if package.claimed:
        out["claimed"] = True
    return out


ContextData = Annotated[
    dict[str, Any],
    Field(
        description="What the next session needs: current_task, next_steps[], completed_steps[], "
        "critical_decisions{}, open_questions[], files_touched[], notes, plus any keys of your own"
    ),
]


def register(app: OrchestronServer) -> None:
    @app.tool(structured_output=False)
    async def session(
        ctx: Ctx,
        action: Annotated[Literal["status", "start", "end"], Field(description="What to do")],
    ) -> str:
        """Your agent session: status (id, agent, tasks you hold), start, or end (releases
        claims). It starts on your first call and ends when you disconnect."""
        call = await begin(ctx)
        if action == "end":
            sid = await call.state.end()
            return call.reply({"ended": sid, "agent": call.agent_id})
        found = await call.orch.get_session(call.session_id)
        held = await call.orch.session_tasks(call.session_id)
        return call.reply({**session_dict(found), "tasks": [task_line(t) for t in held]})

    @app.tool(structured_output=False)
    async def context_save(
        ctx: Ctx,
        context: ContextData,
        taskId: Annotated[OptTaskId, Field(description="Task it is about (default: yours)")] = None,
    ) -> str:
        """Save your working context (memory, notes, next steps) so a later session can resume.
        Kept to 4 KB: the least important parts are dropped and named."""
        call = await begin(ctx)
        record = await call.orch.save_context(call.session_id, context, task_id=taskId)
        reply: dict[str, Any] = {"saved": record.size_bytes, "task": record.task_id}
        dropped = record.data.get("dropped") if isinstance(record.data, dict) else None
        if dropped:
            reply["dropped"] = dropped
        return call.reply(reply)

    @app.tool(structured_output=False, annotations=ToolAnnotations(read_only_hint=True))
    async def context_load(
        ctx: Ctx,
        taskId: Annotated[
            OptTaskId, Field(description="Latest context saved for this task")
        ] = None,
        agentId: Annotated[str | None, Field(description="Latest saved by this agent")] = None,
        sessionId: Annotated[str | None, Field(description="Latest saved by this session")] = None,
        verbose: Verbose = False,
    ) -> str:
        """Load saved context (memory) for a task, an agent or a session; default: your own."""
        call = await begin(ctx)
        given = {
            k: v
            for k, v in (("task_id", taskId), ("agent_id", agentId), ("session_id", sessionId))
            if v
        }
        if len(given) > 1:
            raise InvalidInputError("taskId", "give one of taskId, agentId or sessionId")
        load = call.orch.load_context
        record = await load(**given) if given else await load(session_id=call.session_id)
        if record is None and not given:
            record = await load(agent_id=call.agent_id)
        if record is None:
            return call.reply({"context": None, "hint": "nothing saved there; try resume"})
        reply = {
            "context": record.data,
            "task": record.task_id,
            "savedBy": record.agent_id,
            "savedAt": record.saved_at,
        }
        return call.reply(reply, verbose=verbose)

    @app.tool(structured_output=False)
    async def handoff(
        ctx: Ctx,
        action: Annotated[Literal["prepare", "accept", "list"], Field(description="What to do")],
        toAgent: Annotated[str | None, Field(description="prepare: for this agent only")] = None,
        note: Annotated[str | None, Field(description="prepare: a word to the next agent")] = None,
        handoffId: Annotated[str | None, Field(description="accept: handoff id")] = None,
    ) -> str:
        """Hand work over to the next session: prepare (packages your task, progress, context,
        next steps), accept one, or list pending ones. Save context first."""
        call = await begin(ctx)
        if action == "prepare":
            made = await call.orch.prepare_handoff(call.session_id, to_agent=toAgent, note=note)
            return call.reply({"prepared": handoff_dict(made)})
        if action == "accept":
            if not handoffId:
                raise InvalidInputError("handoff_id", "accept needs the handoff id, e.g. HO-001")
            taken = await call.orch.accept_handoff(handoffId, call.session_id)
            return call.reply({"accepted": handoff_dict(taken, full=True)})
        pending = await call.orch.list_handoffs(pending_only=True, limit=20)
        return call.reply({"pending": [handoff_dict(h) for h in pending]})

    @app.tool(structured_output=False)
    async def resume(ctx: Ctx, verbose: Verbose = False) -> str:
        """Resume work / start of session: takes a pending handoff, else your unfinished task,
        else claims the next ready task; returns what to do with its context and checkpoints."""
        call = await begin(ctx)
        package = await call.orch.resume(call.agent_id, session_id=call.session_id)
        return call.reply(resume_dict(package), verbose=verbose)
