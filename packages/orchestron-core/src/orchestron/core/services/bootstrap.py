"""The composition root of the core: the services of one facade, and who reacts to what.

`bootstrap` makes the shared context (the ports, settings, rules and the bus)
and registers, here and only here, the handlers of the domain events: the
reactions of one area to what happens in another. `build_services` wires the
services of one caller, each given the services it calls.
"""

from __future__ import annotations

from attrs import frozen

from orchestron.core.domain.rules import RuleSet
from orchestron.core.ports import Clock, Embedder, Notifier, Storage
from orchestron.core.services._base import Caller, Ports, Settings
from orchestron.core.services.analytics import AnalyticsService
from orchestron.core.services.changes import ChangeService
from orchestron.core.services.context import ContextService
from orchestron.core.services.delivery import DeliveryService
from orchestron.core.services.disputes import DisputeService
from orchestron.core.services.events import (
    AnswerGiven,
    Committed,
    SessionWrappingUp,
    TaskStatusMoved,
)
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

__all__ = ["Services", "bootstrap", "build_services"]


@frozen
class Services:
    """Every service of one caller over one context, by area."""

    ports: Ports
    caller: Caller
    tasks: TaskService
    changes: ChangeService
    planning: PlanningService
    sprints: SprintService
    sessions: SessionService
    context: ContextService
    handoffs: HandoffService
    resume: ResumeService
    delivery: DeliveryService
    requests: RequestService
    human: HumanService
    meaning: MeaningService
    recall: RecallService
    disputes: DisputeService
    memory: MemoryService
    log: EventService
    analytics: AnalyticsService
    outbox: OutboxService


def build_services(ports: Ports, caller: Caller) -> Services:
    tasks = TaskService(ports, caller)
    planning = PlanningService(ports, caller, tasks)
    sessions = SessionService(ports, caller, tasks)
    delivery = DeliveryService(ports, caller, tasks)
    requests = RequestService(ports, caller, tasks, delivery)
    handoffs = HandoffService(ports, caller, sessions)
    meaning = MeaningService(ports, caller)
    recall = RecallService(ports, caller, meaning)
    disputes = DisputeService(ports, caller, recall, requests, delivery)
    return Services(
        ports=ports,
        caller=caller,
        tasks=tasks,
        changes=ChangeService(ports, caller, tasks, planning, sessions, delivery),
        planning=planning,
        sprints=SprintService(ports, caller),
        sessions=sessions,
        context=ContextService(ports, caller, tasks, sessions),
        handoffs=handoffs,
        resume=ResumeService(ports, caller, tasks, sessions, handoffs, recall),
        delivery=delivery,
        requests=requests,
        human=HumanService(ports, caller, tasks, delivery, requests),
        meaning=meaning,
        recall=recall,
        disputes=disputes,
        memory=MemoryService(ports, caller, meaning, recall, disputes),
        log=EventService(ports, caller),
        analytics=AnalyticsService(ports, caller),
        outbox=OutboxService(ports, caller),
    )


def bootstrap(
    storage: Storage,
    clock: Clock,
    notifier: Notifier | None = None,
    *,
    settings: Settings | None = None,
    rules: RuleSet | None = None,
    embedder: Embedder | None = None,
) -> Ports:
    """The context every service of a project shares, its reactions registered on its bus.

    Each handler runs inside the unit of work that published its event (so it
    commits or rolls back with it), after the handlers registered before it;
    `Committed` comes after the commit.
    """
    ports = Ports(
        storage=storage,
        clock=clock,
        notifier=notifier,
        settings=settings or Settings(),
        rules=rules or RuleSet(),
        embedder=embedder,
    )
    # Reactions act as the unit of work that published the event (its actor, its
    # time), never as a caller: none of them reads one.
    react = build_services(ports, Caller())
    bus = ports.bus
    # A task wants review or is done: people are told (the human channel).
    bus.subscribe(TaskStatusMoved, react.human.on_status_moved)
    # A session ends, lapses or hands on: memory keeps its critical decisions.
    bus.subscribe(SessionWrappingUp, react.memory.on_session_wrapping_up)
    # An answer to a memory dispute, through any door, settles the dispute.
    bus.subscribe(AnswerGiven, react.disputes.on_answer_given)
    # After every commit: the outbox is sent.
    bus.subscribe(Committed, react.outbox.on_committed)
    return ports
