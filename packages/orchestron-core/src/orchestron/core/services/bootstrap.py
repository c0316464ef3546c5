"""The composition root of the core: the services of one facade, and who reacts to what.

`bootstrap` makes the shared `Ports` (the ports, settings, rules and the bus)
and registers, here and only here, the handlers of the domain events: the
reactions of one area to what happens in another. `Services` wires the
services of one caller, each given the services it calls.
"""

from __future__ import annotations

from functools import cached_property

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

__all__ = ["Services", "bootstrap"]


class Services:
    """Every service of one caller over one set of ports, by area, each handed the
    services it calls. Each is built the first time it is asked for, so a facade
    for another caller (`Orchestron.for_session`, once per tool call) costs
    only the services that call uses."""

    def __init__(self, ports: Ports, caller: Caller) -> None:
        self.ports = ports
        self.caller = caller

    @cached_property
    def tasks(self) -> TaskService:
        return TaskService(self.ports, self.caller)

    @cached_property
    def changes(self) -> ChangeService:
        return ChangeService(
            self.ports, self.caller, self.tasks, self.planning, self.sessions, self.delivery
        )

    @cached_property
    def planning(self) -> PlanningService:
        return PlanningService(self.ports, self.caller, self.tasks)

    @cached_property
    def sprints(self) -> SprintService:
        return SprintService(self.ports, self.caller)

    @cached_property
    def sessions(self) -> SessionService:
        return SessionService(self.ports, self.caller, self.tasks)

    @cached_property
    def context(self) -> ContextService:
        return ContextService(self.ports, self.caller, self.tasks, self.sessions)

    @cached_property
    def handoffs(self) -> HandoffService:
        return HandoffService(self.ports, self.caller, self.sessions)

    @cached_property
    def resume(self) -> ResumeService:
        return ResumeService(
            self.ports, self.caller, self.tasks, self.sessions, self.handoffs, self.recall
        )

    @cached_property
    def delivery(self) -> DeliveryService:
        return DeliveryService(self.ports, self.caller, self.tasks)

    @cached_property
    def requests(self) -> RequestService:
        return RequestService(self.ports, self.caller, self.tasks, self.delivery)

    @cached_property
    def human(self) -> HumanService:
        return HumanService(self.ports, self.caller, self.tasks, self.delivery, self.requests)

    @cached_property
    def meaning(self) -> MeaningService:
        return MeaningService(self.ports, self.caller)

    @cached_property
    def recall(self) -> RecallService:
        return RecallService(self.ports, self.caller, self.meaning)

    @cached_property
    def disputes(self) -> DisputeService:
        return DisputeService(self.ports, self.caller, self.recall, self.requests, self.delivery)

    @cached_property
    def memory(self) -> MemoryService:
        return MemoryService(self.ports, self.caller, self.meaning, self.recall, self.disputes)

    @cached_property
    def log(self) -> EventService:
        return EventService(self.ports, self.caller)

    @cached_property
    def analytics(self) -> AnalyticsService:
        return AnalyticsService(self.ports, self.caller)

    @cached_property
    def outbox(self) -> OutboxService:
        return OutboxService(self.ports, self.caller)


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
    react = Services(ports, Caller())
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
