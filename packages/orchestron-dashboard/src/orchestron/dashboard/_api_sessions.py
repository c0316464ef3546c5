"""JSON API for sessions: who works on what, what they last saved, and handoffs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from attrs import frozen
from litestar import Controller, get
from litestar.params import FromPath, FromQuery, QueryParameter

from orchestron.core import ContextRecord, Orchestron, Session, Task, to_jsonable
from orchestron.dashboard._queries import Orch
from orchestron.dashboard._views import LIST_FIELDS, task_view

__all__ = ["SessionCard", "SessionController", "session_card"]

Limit = Annotated[int, QueryParameter(ge=1, le=500)]


@frozen
class SessionCard:
    """A session with the tasks it holds and the context it last saved."""

    session: Session
    tasks: Sequence[Task]
    context: ContextRecord | None

    def view(self) -> dict[str, Any]:
        return {
            "session": to_jsonable(self.session),
            "tasks": [task_view(t, LIST_FIELDS) for t in self.tasks],
            "context": to_jsonable(self.context) if self.context is not None else None,
        }


async def session_card(orch: Orchestron, session: Session) -> SessionCard:
    tasks = await orch.session_tasks(session.id)
    context = await orch.load_context(session_id=session.id)
    return SessionCard(session=session, tasks=tasks, context=context)


class SessionController(Controller):
    path = "/api"
    tags = ("sessions",)

    @get("/sessions", summary="Sessions, newest first")
    async def list_sessions(
        self, orch: Orch, active: FromQuery[bool] = False, limit: Limit = 50
    ) -> dict[str, Any]:
        sessions = await orch.list_sessions(active_only=active, limit=limit)
        return {"items": [(await session_card(orch, s)).view() for s in sessions]}

    @get("/sessions/{session_id:str}", summary="One session with its tasks and last context")
    async def get_session(self, orch: Orch, session_id: FromPath[str]) -> dict[str, Any]:
        return (await session_card(orch, await orch.get_session(session_id))).view()

    @get("/session/current", summary="The newest live session (optionally of one agent)")
    async def current_session(
        self, orch: Orch, agent: FromQuery[str | None] = None
    ) -> dict[str, Any]:
        """`session` is null when no agent is working right now."""
        for session in await orch.list_sessions(active_only=True):
            if agent is None or session.agent_id == agent:
                return (await session_card(orch, session)).view()
        return {"session": None, "tasks": [], "context": None}

    @get("/handoffs", summary="Handoffs between sessions, newest first")
    async def list_handoffs(
        self, orch: Orch, pending: FromQuery[bool] = False, limit: Limit = 50
    ) -> dict[str, Any]:
        handoffs = await orch.list_handoffs(pending_only=pending, limit=limit)
        return {"items": to_jsonable(handoffs)}
