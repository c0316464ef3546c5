"""JSON API for the human channel: answer, pause, resume, approve, reject, intervene,
priority; the inbox; and the agent-side `POST /api/intervention/request`."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from orchestron.core import HumanRequest, Message, to_jsonable
from orchestron.dashboard._queries import Orch, task_requests
from orchestron.dashboard._views import task_view

__all__ = ["HumanController", "InboxController"]


class Answer(msgspec.Struct, forbid_unknown_fields=True):
    answer: str
    request_id: str | None = None


class PriorityChange(msgspec.Struct, forbid_unknown_fields=True):
    priority: str


class Reason(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class Feedback(msgspec.Struct, forbid_unknown_fields=True):
    feedback: str | None = None


class Note(msgspec.Struct, forbid_unknown_fields=True):
    message: str


class Nothing(msgspec.Struct, forbid_unknown_fields=True):
    pass


class InterventionRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: str
    kind: str = "HELP"
    task_id: str | None = None
    session_id: str | None = None
    urgency: str | None = None
    blocking: bool = False
    agent: str | None = None


def request_view(request: HumanRequest) -> dict[str, Any]:
    data: dict[str, Any] = to_jsonable(request)
    return data


def message_view(message: Message) -> dict[str, Any]:
    data: dict[str, Any] = to_jsonable(message)
    return data


class HumanController(Controller):
    """The person's hand on a task. Each answer is the task (or request) as it is now."""

    path = "/api/tasks/{task_id:str}"
    tags = ("human",)

    @post("/clarify", summary="Answer the task's open question", status_code=200)
    async def clarify(
        self, orch: Orch, task_id: FromPath[str], data: JSONBody[Answer]
    ) -> dict[str, Any]:
        """Answers the oldest open question on the task (or `request_id`); with none open,
        records the clarification and tells the agent."""
        request = await orch.add_clarification(task_id, data.answer, request_id=data.request_id)
        return request_view(request)

    @post("/priority", summary="Change a task's priority", status_code=200)
    async def priority(
        self, orch: Orch, task_id: FromPath[str], data: JSONBody[PriorityChange]
    ) -> dict[str, Any]:
        return task_view(await orch.set_priority(task_id, data.priority))

    @post("/pause", summary="Pause a task (the agent is told why)", status_code=200)
    async def pause(
        self, orch: Orch, task_id: FromPath[str], data: JSONBody[Reason]
    ) -> dict[str, Any]:
        return task_view(await orch.pause(task_id, data.reason))

    @post("/resume", summary="Resume a paused task", status_code=200)
    async def resume(
        self, orch: Orch, task_id: FromPath[str], data: JSONBody[Nothing | None] = None
    ) -> dict[str, Any]:
        return task_view(await orch.resume_task(task_id))

    @post("/approve", summary="Approve a task in review", status_code=200)
    async def approve(
        self, orch: Orch, task_id: FromPath[str], data: JSONBody[Feedback | None] = None
    ) -> dict[str, Any]:
        feedback = data.feedback if data and data.feedback and data.feedback.strip() else None
        return task_view(await orch.approve(task_id, feedback))

    @post("/reject", summary="Send a task in review back with feedback", status_code=200)
    async def reject(
        self, orch: Orch, task_id: FromPath[str], data: JSONBody[Feedback]
    ) -> dict[str, Any]:
        return task_view(await orch.reject(task_id, data.feedback or ""))

    @post("/intervene", summary="Send a message to the agent on a task", status_code=200)
    async def intervene(
        self, orch: Orch, task_id: FromPath[str], data: JSONBody[Note]
    ) -> dict[str, Any]:
        return message_view(await orch.intervene(task_id, data.message))

    @get("/requests", summary="The task's clarifications and requests")
    async def task_requests(self, orch: Orch, task_id: FromPath[str]) -> dict[str, Any]:
        return {
            "items": [request_view(r) for r in await task_requests(orch, task_id)],
            "messages": [message_view(m) for m in await orch.messages_for(task_id)],
        }


class InboxController(Controller):
    path = "/api"
    tags = ("human",)

    @get("/inbox", summary="Open requests from agents, most urgent first")
    async def inbox(
        self, orch: Orch, limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100
    ) -> dict[str, Any]:
        return {"items": [request_view(r) for r in await orch.inbox(limit=limit)]}

    @post("/requests/{request_id:str}/answer", summary="Answer any open request", status_code=200)
    async def answer(
        self, orch: Orch, request_id: FromPath[str], data: JSONBody[Answer]
    ) -> dict[str, Any]:
        return request_view(await orch.answer_request(request_id, data.answer))

    @post("/intervention/request", summary="Ask a person for help or an approval", status_code=201)
    async def request_intervention(
        self, orch: Orch, data: JSONBody[InterventionRequest]
    ) -> dict[str, Any]:
        """The agent side of the channel, for agents and scripts that speak HTTP;
        `agent` names who asks (else the session's agent, else the person running the dashboard)."""
        request = await orch.request_intervention(
            data.reason,
            kind=data.kind,
            task_id=data.task_id,
            session_id=data.session_id,
            urgency=data.urgency,
            blocking=data.blocking,
            actor=data.agent or None,
        )
        return request_view(request)
