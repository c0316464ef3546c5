"""Each service works alone, built without the facade, exactly as it does composed.

One day of work runs twice on two fresh stores: once through the `Orchestron`
facade, once through services built by hand over `bootstrap`'s ports, each
given only the services it calls. Every result, the event log and every
notification sent must be the same, and the reactions across areas (people told
of a review, a dispute settled by an answer, decisions kept when a session hands
on) must have happened in both.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from orchestron.core import Orchestron
from orchestron.core.serialize import to_jsonable
from orchestron.core.services import Caller, bootstrap
from orchestron.core.services.analytics import AnalyticsService
from orchestron.core.services.changes import ChangeService
from orchestron.core.services.context import ContextService
from orchestron.core.services.delivery import DeliveryService
from orchestron.core.services.disputes import DisputeService
from orchestron.core.services.handoff import HandoffService
from orchestron.core.services.human import HumanService
from orchestron.core.services.log import EventService
from orchestron.core.services.meaning import MeaningService
from orchestron.core.services.memory import MemoryService
from orchestron.core.services.outbox import OutboxService
from orchestron.core.services.planning import PlanningService
from orchestron.core.services.recall import RecallService
from orchestron.core.services.requests import RequestService
from orchestron.core.services.resume import ResumeService
from orchestron.core.services.sessions import SessionService
from orchestron.core.services.sprints import SprintService
from orchestron.core.services.tasks import TaskService
from orchestron.core.testing import FixedClock, MemoryStorage, RecordingNotifier

pytestmark = pytest.mark.anyio

ACTOR = "human:ann"

# (area, method, args, kwargs): the area is the service that owns the use case.
DAY: list[tuple[str, str, tuple[Any, ...], dict[str, Any]]] = [
    ("tasks", "create_task", ("Schema",), {"priority": "HIGH", "checkpoints": ["draft", "check"]}),
    ("tasks", "create_task", ("API",), {}),
    ("planning", "add_dependency", ("TASK-002", "TASK-001"), {}),
    ("sprints", "create_sprint", ("Sprint 1",), {}),
    ("sprints", "add_to_sprint", ("SPRINT-001", ["TASK-001"]), {}),
    ("sprints", "start_sprint", ("SPRINT-001",), {}),
    ("sessions", "start_session", ("claude-1",), {}),
    ("resume", "pick_next", ("SES-001",), {}),
    (
        "context",
        "save_context",
        ("SES-001", {"next_steps": ["check it"], "critical_decisions": {"orm": "SQLAlchemy 2"}}),
        {},
    ),
    ("changes", "complete_checkpoint", ("TASK-001", 1), {}),
    ("requests", "request_clarification", ("TASK-001", "Which database?"), {}),
    ("requests", "add_clarification", ("TASK-001", "PostgreSQL"), {}),
    ("delivery", "take_messages", ("SES-001",), {}),
    ("human", "intervene", ("TASK-001", "Keep it small"), {}),
    ("changes", "change_task", ("TASK-001",), {"checkpoints_done": [2], "event": "tests_pass"}),
    ("human", "approve", ("TASK-001", "Good"), {}),
    ("memory", "remember", ("Orders are stored in PostgreSQL",), {"kind": "fact", "topic": "db"}),
    ("memory", "remember", ("Orders are stored in MySQL",), {"kind": "fact", "topic": "db"}),
    ("requests", "inbox", (), {}),
    ("requests", "answer_request", ("REQ-002", "MEM-001"), {}),
    ("recall", "recall", ("orders",), {}),
    ("handoffs", "prepare_handoff", ("SES-001",), {"note": "API next"}),
    ("sessions", "end_session", ("SES-001",), {}),
    ("planning", "ready_tasks", (), {}),
    ("log", "last_event_seq", (), {}),
    ("analytics", "stats", (), {}),
    ("outbox", "dispatch_outbox", (), {}),
]


def alone(storage: MemoryStorage, clock: FixedClock, notifier: RecordingNotifier) -> Any:
    """Every service built by hand over bootstrap's ports, no facade anywhere."""
    ports = bootstrap(storage, clock, notifier)
    me = Caller(actor=ACTOR)
    tasks = TaskService(ports, me)
    planning = PlanningService(ports, me, tasks)
    sessions = SessionService(ports, me, tasks)
    delivery = DeliveryService(ports, me, tasks)
    requests = RequestService(ports, me, tasks, delivery)
    handoffs = HandoffService(ports, me, sessions)
    meaning = MeaningService(ports, me)
    recall = RecallService(ports, me, meaning)
    disputes = DisputeService(ports, me, recall, requests, delivery)
    return SimpleNamespace(
        tasks=tasks,
        changes=ChangeService(ports, me, tasks, planning, sessions, delivery),
        planning=planning,
        sprints=SprintService(ports, me),
        sessions=sessions,
        context=ContextService(ports, me, tasks, sessions),
        handoffs=handoffs,
        resume=ResumeService(ports, me, tasks, sessions, handoffs, recall),
        delivery=delivery,
        requests=requests,
        human=HumanService(ports, me, tasks, delivery, requests),
        recall=recall,
        memory=MemoryService(ports, me, meaning, recall, disputes),
        log=EventService(ports, me),
        analytics=AnalyticsService(ports, me),
        outbox=OutboxService(ports, me),
    )


async def _run(call: Any) -> list[Any]:
    """Each step's result, or the error it raised."""
    results: list[Any] = []
    for area, method, args, kwargs in DAY:
        try:
            results.append(("ok", to_jsonable(await call(area, method)(*args, **kwargs))))
        except Exception as exc:  # noqa: BLE001 (a refusal must be the same on both sides)
            results.append(("error", type(exc).__name__, str(exc)))
    return results


async def test_every_service_alone_does_what_the_facade_does() -> None:
    composed_store, composed_sent = MemoryStorage(), RecordingNotifier()
    orch = Orchestron(composed_store, FixedClock(), composed_sent, actor=ACTOR)
    composed = await _run(lambda area, method: getattr(orch, method))

    services = alone(MemoryStorage(), FixedClock(), alone_sent := RecordingNotifier())
    solo = await _run(lambda area, method: getattr(getattr(services, area), method))

    assert solo == composed
    assert all(r[0] == "ok" for r in composed), [r for r in composed if r[0] != "ok"]
    composed_log = [(e.entity, e.kind, e.actor, e.data) for e in await orch.events()]
    solo_log = [(e.entity, e.kind, e.actor, e.data) for e in await services.log.events()]
    assert solo_log == composed_log
    assert [to_jsonable(n) for n in alone_sent.sent] == [to_jsonable(n) for n in composed_sent.sent]

    kinds = [kind for _, kind, _, _ in composed_log]
    # TaskStatusMoved: people were told the task wanted review, then that it was done.
    sent = [n.kind for n in composed_sent.sent]
    assert "REVIEW_REQUESTED" in sent and "TASK_DONE" in sent
    # AnswerGiven: the answer to the dispute settled it.
    assert "memory.resolved" in kinds
    # SessionWrappingUp: the session's critical decision was kept as memory.
    assert any(e.kind == "memory.added" and e.data["topic"] == "orm" for e in await orch.events())
