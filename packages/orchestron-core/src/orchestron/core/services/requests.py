"""Agents ask people: clarifications, help, approvals; people answer.

A blocking request moves its task to BLOCKED (rule `blocked_on_human`); the
answer to the last open blocking request moves it back (`human_answered`).
Each request is queued as a notification in the same unit of work, and each
answer is left as a message for the agent that asked.
"""

from __future__ import annotations

from orchestron.core.domain.enums import (
    MessageKind,
    RequestKind,
    RequestStatus,
    TaskStatus,
    Urgency,
    parse_enum,
)
from orchestron.core.domain.human import HumanRequest
from orchestron.core.domain.notifications import NotificationKind, compute_urgency
from orchestron.core.domain.task import Task
from orchestron.core.domain.validation import check_text
from orchestron.core.errors import Act, ForbiddenError, Hint, InvalidInputError, NotFoundError
from orchestron.core.graph import downstream_counts
from orchestron.core.services._base import Caller, Ports, Service, Work, normalise_id
from orchestron.core.services.delivery import MAX_MESSAGE, DeliveryService
from orchestron.core.services.events import AnswerGiven
from orchestron.core.services.tasks import TaskService

__all__ = ["RequestService"]

_NOTIFY_KIND = {
    RequestKind.CLARIFICATION: NotificationKind.CLARIFICATION_REQUESTED,
    RequestKind.HELP: NotificationKind.INTERVENTION_NEEDED,
    RequestKind.APPROVAL: NotificationKind.INTERVENTION_NEEDED,
}
_ASKS = {
    RequestKind.CLARIFICATION: "asks a question",
    RequestKind.HELP: "needs help",
    RequestKind.APPROVAL: "asks for approval",
}


class RequestService(Service):
    """Requests from agents to people (questions, calls for help, approvals) and their answers."""

    def __init__(
        self, ports: Ports, caller: Caller | None, tasks: TaskService, delivery: DeliveryService
    ) -> None:
        super().__init__(ports, caller)
        self.tasks = tasks
        self.delivery = delivery

    # -- the agent's side ------------------------------------------------------------------

    async def request_clarification(
        self,
        task_id: str,
        question: str,
        *,
        session_id: str | None = None,
        blocking: bool = True,
        actor: str | None = None,
    ) -> HumanRequest:
        """Ask a person a question about a task; by default the task waits (BLOCKED)."""
        text = check_text(question, "question", limit=MAX_MESSAGE, allow_empty=False)
        async with self._write(actor) as work:
            task = await work.task(task_id)
            return await self.open_request(
                work, RequestKind.CLARIFICATION, text, task, session_id, None, blocking
            )

    async def request_intervention(
        self,
        reason: str,
        *,
        kind: RequestKind | str = RequestKind.HELP,
        task_id: str | None = None,
        session_id: str | None = None,
        urgency: Urgency | str | None = None,
        blocking: bool = False,
        actor: str | None = None,
    ) -> HumanRequest:
        """Ask a person for help or an approval; urgency is computed when not given."""
        text = check_text(reason, "reason", limit=MAX_MESSAGE, allow_empty=False)
        what = parse_enum(RequestKind, kind, "kind")
        if what is RequestKind.CLARIFICATION:
            raise InvalidInputError(
                "kind",
                "must be HELP or APPROVAL here; a question about a task is asked as a "
                "clarification of it",
            )
        level = parse_enum(Urgency, urgency, "urgency") if urgency is not None else None
        if blocking and task_id is None:
            raise InvalidInputError("blocking", "a blocking request must name the task it blocks")
        async with self._write(actor) as work:
            task = await work.task(task_id) if task_id is not None else None
            return await self.open_request(work, what, text, task, session_id, level, blocking)

    # -- the person's side -----------------------------------------------------------------

    async def add_clarification(
        self,
        task_id: str,
        answer: str,
        *,
        request_id: str | None = None,
        actor: str | None = None,
    ) -> HumanRequest:
        """Answer the task's oldest open question (or `request_id`).

        With no open question the answer is recorded as a clarification all the
        same, and the agent working on the task is told.
        """
        text = check_text(answer, "answer", limit=MAX_MESSAGE, allow_empty=False)
        async with self._write(actor) as work:
            task = await work.task(task_id)
            if request_id is not None:
                request = await self.request(work, request_id)
                if request.task_id != task.id:
                    raise InvalidInputError(
                        "request_id", f"{request.id} is about {request.task_id}, not {task.id}"
                    )
                return await self.answer(work, request, text)
            waiting = await self.open_for(work, task.id, RequestKind.CLARIFICATION)
            if waiting:
                return await self.answer(work, waiting[0], text)
            return await self._add_unasked(work, task, text)

    async def answer_request(
        self, request_id: str, answer: str, *, actor: str | None = None
    ) -> HumanRequest:
        """Answer any open request: a question, a call for help, an approval."""
        text = check_text(answer, "answer", limit=MAX_MESSAGE, allow_empty=False)
        async with self._write(actor) as work:
            return await self.answer(work, await self.request(work, request_id), text)

    # -- reading ---------------------------------------------------------------------------

    async def clarifications(self, task_id: str) -> list[HumanRequest]:
        """The task's questions, answered or not, oldest first."""
        async with self._read() as work:
            task = await work.task(task_id)
            found = await work.tx.requests.list(task_id=task.id)
            return [r for r in found if r.kind is RequestKind.CLARIFICATION]

    async def requests_for(self, task_id: str) -> list[HumanRequest]:
        """Every request about the task, of any kind and status, oldest first."""
        async with self._read() as work:
            return await work.tx.requests.list(task_id=(await work.task(task_id)).id)

    async def get_request(self, request_id: str) -> HumanRequest:
        async with self._read() as work:
            return await self.request(work, request_id)

    async def inbox(self, *, limit: int | None = None) -> list[HumanRequest]:
        """Open requests, most urgent first, then oldest first."""
        if limit is not None and (isinstance(limit, bool) or limit < 1):
            raise InvalidInputError("limit", f"must be 1 or more, not {limit!r}")
        async with self._read() as work:
            found = await work.tx.requests.list(status=RequestStatus.OPEN)
        found.sort(key=lambda r: (r.urgency.rank, r.created_at, _number(r.id)))
        return found[:limit] if limit is not None else found

    # -- internals -------------------------------------------------------------------------

    async def request(self, work: Work, request_id: str) -> HumanRequest:
        found = await work.tx.requests.get(normalise_id(request_id))
        if found is None:
            raise NotFoundError("request", request_id)
        return found

    async def open_for(self, work: Work, task_id: str, kind: RequestKind) -> list[HumanRequest]:
        found = await work.tx.requests.list(status=RequestStatus.OPEN, task_id=task_id)
        return [r for r in found if r.kind is kind]

    async def _asker(
        self, work: Work, task: Task | None, session_id: str | None
    ) -> tuple[str | None, str | None]:
        """The session and agent asking: the given session, else the task's holder.

        With neither, the actor is taken for the agent, so the answer still
        reaches whoever asked (any session of that agent).
        """
        if session_id is not None:
            session = await work.tx.sessions.get(session_id)
            return session_id, session.agent_id if session else None
        held, agent = await self.delivery.recipient(work, task) if task else (None, None)
        if held is None and agent is None:
            agent = work.actor
        return held, agent

    async def open_request(
        self,
        work: Work,
        kind: RequestKind,
        text: str,
        task: Task | None,
        session_id: str | None,
        urgency: Urgency | None,
        blocking: bool,
    ) -> HumanRequest:
        if blocking and task is not None:
            await self.tasks.check_writer(work, task)  # blocking another session's task is a write
        session, agent = await self._asker(work, task, session_id)
        if urgency is None:
            blocks = 0
            if task is not None:
                blocks = downstream_counts(await work.tx.deps.all()).get(task.id, 0)
            urgency = compute_urgency(kind, task.priority if task else None, blocks)
        request = HumanRequest(
            id=await work.new_id("REQ"),
            kind=kind,
            text=text,
            created_at=work.now,
            urgency=urgency,
            task_id=task.id if task else None,
            session_id=session,
            agent_id=agent,
            blocking=blocking,
        )
        await work.tx.requests.add(request)
        work.emit(
            task.id if task else request.id,
            "request.opened",
            request=request.id,
            request_kind=kind.value,
            text=text,
            urgency=urgency.value,
            blocking=blocking,
            session=session,
            agent=agent,
        )
        # A paused or finished task keeps its status: the pause is the stronger
        # word, and resume_task blocks it then if the question is still open.
        if blocking and task is not None and self.rules.find(task.status, "blocked_on_human"):
            task = await self.tasks.apply(
                work, task, "blocked_on_human", note=f"waiting for {request.id}"
            )
        who = agent or session or work.actor
        where = f" on {task.id}" if task else ""
        await self.delivery.notify(
            work,
            _NOTIFY_KIND[kind],
            f"{who} {_ASKS[kind]}{where}",
            task=task,
            text=text,
            urgency=urgency,
            session_id=session,
            request=request.id,
            request_kind=kind.value,
            blocking=blocking,
        )
        return request

    async def answer(
        self, work: Work, request: HumanRequest, text: str, *, tell_agent: bool = True
    ) -> HumanRequest:
        """A person's answer to an open request: the area it belongs to may record it its
        own way (`AnswerGiven`); else it is recorded here and told to the agent."""
        _must_be_open(request)
        await work.publish(AnswerGiven(request, text))
        current = await self.request(work, request.id)
        if current.status is not RequestStatus.OPEN:
            return current  # a handler recorded it
        return await self.record_answer(work, request, text, tell_agent=tell_agent)

    async def record_answer(
        self, work: Work, request: HumanRequest, text: str, *, tell_agent: bool = True
    ) -> HumanRequest:
        """Store the answer, tell the agent that asked (`tell_agent`), lift its block."""
        _must_be_open(request)
        answered = request.changed(
            status=RequestStatus.ANSWERED,
            answer=text,
            answered_by=work.actor,
            answered_at=work.now,
        )
        await work.tx.requests.update(answered)
        task = await work.tx.tasks.get(request.task_id) if request.task_id else None
        work.emit(
            task.id if task else request.id,
            "request.answered",
            request=request.id,
            request_kind=request.kind.value,
            answer=text,
        )
        if tell_agent:
            await self.delivery.post(
                work,
                MessageKind.ANSWER,
                text,
                task,
                to=await self._answer_to(work, request, task),
                request_id=request.id,
            )
        if task is not None:
            await self._unblock_if_answered(work, task, request.id)
        return answered

    async def _answer_to(
        self, work: Work, request: HumanRequest, task: Task | None
    ) -> tuple[str | None, str | None]:
        """The asking session while it lives; after it, whoever has the task next.

        An answer about no task to a session that is gone waits in the inbox for the
        person to redirect (`waiting_messages`).
        """
        if request.session_id:
            session = await work.tx.sessions.get(request.session_id)
            if session is None or session.is_live(work.now):
                return request.session_id, request.agent_id
        if task is not None:
            return await self.delivery.recipient(work, task)
        return request.session_id, request.agent_id

    async def _unblock_if_answered(self, work: Work, task: Task, request_id: str) -> None:
        if task.status is not TaskStatus.BLOCKED:
            return
        still = await work.tx.requests.list(status=RequestStatus.OPEN, task_id=task.id)
        if any(r.blocking for r in still):
            return
        if self.rules.find(task.status, "human_answered"):
            await self.tasks.apply(work, task, "human_answered", note=f"{request_id} answered")

    async def _add_unasked(self, work: Work, task: Task, text: str) -> HumanRequest:
        """A clarification a person volunteers: stored answered, told to the agent."""
        request = HumanRequest(
            id=await work.new_id("REQ"),
            kind=RequestKind.CLARIFICATION,
            text="",
            created_at=work.now,
            task_id=task.id,
            status=RequestStatus.ANSWERED,
            answer=text,
            answered_by=work.actor,
            answered_at=work.now,
        )
        await work.tx.requests.add(request)
        work.emit(task.id, "clarification.added", request=request.id, answer=text)
        await self.delivery.post(work, MessageKind.ANSWER, text, task, request_id=request.id)
        return request


def _must_be_open(request: HumanRequest) -> None:
    if request.status is not RequestStatus.OPEN:
        by = f" by {request.answered_by}" if request.answered_by else ""
        raise ForbiddenError(
            f"{request.id} is already {request.status.value.lower()}{by}",
            hints=[Hint(Act.LIST, "requests")],
        )


def _number(ident: str) -> int:
    tail = ident.rpartition("-")[2]
    return int(tail) if tail.isdigit() else 0
