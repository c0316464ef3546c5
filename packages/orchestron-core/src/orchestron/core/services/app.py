"""The facade the doors talk to: one object, every use case, delegated to its service.

It holds no behaviour of its own: each method is its area's service's method
(`bootstrap.Services`), with the same signature and docstring, so the
doors (MCP, CLI, dashboard) keep one object to call while the use cases live
in plain services that work alone the same.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from attrs import evolve

from orchestron.core.domain.rules import RuleSet
from orchestron.core.ports import Clock, Embedder, Notifier, Storage
from orchestron.core.services._base import Caller, Settings
from orchestron.core.services.analytics import AnalyticsService as _Analytics
from orchestron.core.services.bootstrap import Services, bootstrap
from orchestron.core.services.changes import ChangeService as _Changes
from orchestron.core.services.context import ContextService as _Context
from orchestron.core.services.delivery import DeliveryService as _Delivery
from orchestron.core.services.disputes import DisputeService as _Disputes
from orchestron.core.services.handoff import HandoffService as _Handoffs
from orchestron.core.services.human import HumanService as _Human
from orchestron.core.services.log import EventService as _Log
from orchestron.core.services.meaning import MeaningService as _Meaning
from orchestron.core.services.memory import MemoryService as _Memory
from orchestron.core.services.outbox import OutboxService as _Outbox
from orchestron.core.services.planning import PlanningService as _Planning
from orchestron.core.services.recall import RecallService as _Recall
from orchestron.core.services.requests import RequestService as _Requests
from orchestron.core.services.resume import ResumeService as _Resume
from orchestron.core.services.sessions import SessionService as _Sessions
from orchestron.core.services.sprints import SprintService as _Sprints
from orchestron.core.services.tasks import TaskService as _Tasks

__all__ = ["Orchestron"]

P = ParamSpec("P")
R = TypeVar("R")


def _via(
    area: str, method: Callable[Concatenate[Any, P], R]
) -> Callable[Concatenate[Orchestron, P], R]:
    """`method` of the facade's service for `area`, as a method of the facade."""
    name = method.__name__

    @functools.wraps(method)
    def delegate(self: Orchestron, /, *args: P.args, **kwargs: P.kwargs) -> R:
        bound: Callable[P, R] = getattr(getattr(self.services, area), name)
        return bound(*args, **kwargs)

    return delegate


class Orchestron:
    """Every use case over the ports. Construct it with real adapters or with the fakes."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        notifier: Notifier | None = None,
        *,
        settings: Settings | None = None,
        rules: RuleSet | None = None,
        actor: str = "human",
        embedder: Embedder | None = None,
    ) -> None:
        ports = bootstrap(
            storage, clock, notifier, settings=settings, rules=rules, embedder=embedder
        )
        self.services = Services(ports, Caller(actor=actor))

    @classmethod
    def _over(cls, services: Services) -> Orchestron:
        """A facade over services already built (another caller of the same context)."""
        facade = cls.__new__(cls)
        facade.services = services
        return facade

    def _as(self, caller: Caller) -> Orchestron:
        return Orchestron._over(Services(self.services.ports, caller))

    def acting_as(self, actor: str) -> Orchestron:
        """The same ports, another actor in the event log."""
        return self._as(evolve(self.services.caller, actor=actor))

    def for_session(self, session_id: str | None) -> Orchestron:
        """The same ports and actor, acting for an agent's session: its writes to a task
        another live session holds are refused, and it cannot force a move."""
        return self._as(evolve(self.services.caller, session=session_id))

    # -- the ports and the caller, read-only -------------------------------------------------

    @property
    def storage(self) -> Storage:
        return self.services.ports.storage

    @property
    def clock(self) -> Clock:
        return self.services.ports.clock

    @property
    def notifier(self) -> Notifier | None:
        return self.services.ports.notifier

    @property
    def settings(self) -> Settings:
        return self.services.ports.settings

    @property
    def rules(self) -> RuleSet:
        return self.services.ports.rules

    @property
    def embedder(self) -> Embedder | None:
        return self.services.ports.embedder

    @property
    def actor(self) -> str:
        return self.services.caller.actor

    @property
    def caller(self) -> Caller:
        return self.services.caller

    # -- tasks ---------------------------------------------------------------------------------
    create_task = _via("tasks", _Tasks.create_task)
    get_task = _via("tasks", _Tasks.get_task)
    get_tasks = _via("tasks", _Tasks.get_tasks)
    list_tasks = _via("tasks", _Tasks.list_tasks)
    count_tasks = _via("tasks", _Tasks.count_tasks)
    change_task = _via("changes", _Changes.change_task)
    transition = _via("changes", _Changes.transition)
    start_task = _via("changes", _Changes.start_task)
    complete_task = _via("changes", _Changes.complete_task)
    complete_checkpoint = _via("changes", _Changes.complete_checkpoint)
    # -- the graph -----------------------------------------------------------------------------
    add_dependency = _via("planning", _Planning.add_dependency)
    check_dependency = _via("planning", _Planning.check_dependency)
    remove_dependency = _via("planning", _Planning.remove_dependency)
    dependencies = _via("planning", _Planning.dependencies)
    dependency_edges = _via("planning", _Planning.dependency_edges)
    blockers = _via("planning", _Planning.blockers)
    unfinished_tasks = _via("planning", _Planning.unfinished_tasks)
    ready_tasks = _via("planning", _Planning.ready_tasks)
    # -- sprints -------------------------------------------------------------------------------
    create_sprint = _via("sprints", _Sprints.create_sprint)
    get_sprint = _via("sprints", _Sprints.get_sprint)
    list_sprints = _via("sprints", _Sprints.list_sprints)
    active_sprint = _via("sprints", _Sprints.active_sprint)
    add_to_sprint = _via("sprints", _Sprints.add_to_sprint)
    remove_from_sprint = _via("sprints", _Sprints.remove_from_sprint)
    start_sprint = _via("sprints", _Sprints.start_sprint)
    close_sprint = _via("sprints", _Sprints.close_sprint)
    # -- sessions, context, handoff, resume ----------------------------------------------------
    start_session = _via("sessions", _Sessions.start_session)
    end_session = _via("sessions", _Sessions.end_session)
    heartbeat = _via("sessions", _Sessions.heartbeat)
    get_session = _via("sessions", _Sessions.get_session)
    list_sessions = _via("sessions", _Sessions.list_sessions)
    session_tasks = _via("sessions", _Sessions.session_tasks)
    claim = _via("sessions", _Sessions.claim)
    release = _via("sessions", _Sessions.release)
    save_context = _via("context", _Context.save_context)
    load_context = _via("context", _Context.load_context)
    prepare_handoff = _via("handoffs", _Handoffs.prepare_handoff)
    accept_handoff = _via("handoffs", _Handoffs.accept_handoff)
    list_handoffs = _via("handoffs", _Handoffs.list_handoffs)
    resume = _via("resume", _Resume.resume)
    pick_next = _via("resume", _Resume.pick_next)
    next_task = _via("resume", _Resume.next_task)
    # -- the human channel: messages, requests, steering ---------------------------------------
    take_messages = _via("delivery", _Delivery.take_messages)
    peek_messages = _via("delivery", _Delivery.peek_messages)
    messages_for = _via("delivery", _Delivery.messages_for)
    waiting_messages = _via("delivery", _Delivery.waiting_messages)
    redirect_message = _via("delivery", _Delivery.redirect_message)
    request_clarification = _via("requests", _Requests.request_clarification)
    request_intervention = _via("requests", _Requests.request_intervention)
    add_clarification = _via("requests", _Requests.add_clarification)
    answer_request = _via("requests", _Requests.answer_request)
    clarifications = _via("requests", _Requests.clarifications)
    requests_for = _via("requests", _Requests.requests_for)
    get_request = _via("requests", _Requests.get_request)
    inbox = _via("requests", _Requests.inbox)
    intervene = _via("human", _Human.intervene)
    pause = _via("human", _Human.pause)
    resume_task = _via("human", _Human.resume_task)
    approve = _via("human", _Human.approve)
    reject = _via("human", _Human.reject)
    set_priority = _via("human", _Human.set_priority)
    # -- project memory ------------------------------------------------------------------------
    remember = _via("memory", _Memory.remember)
    confirm = _via("memory", _Memory.confirm)
    retire = _via("memory", _Memory.retire)
    promote_decisions = _via("memory", _Memory.promote_decisions)
    resolve_dispute = _via("disputes", _Disputes.resolve_dispute)
    get_memory = _via("recall", _Recall.get_memory)
    list_memory = _via("recall", _Recall.list_memory)
    recall = _via("recall", _Recall.recall)
    stale = _via("recall", _Recall.stale)
    memory_index = _via("recall", _Recall.memory_index)
    embed_memory = _via("meaning", _Meaning.embed_memory)
    # -- the event log, analytics, the outbox --------------------------------------------------
    events = _via("log", _Log.events)
    last_event_seq = _via("log", _Log.last_event_seq)
    stats = _via("analytics", _Analytics.stats)
    forecast = _via("analytics", _Analytics.forecast)
    burndown = _via("analytics", _Analytics.burndown)
    success_metrics = _via("analytics", _Analytics.success_metrics)
    estimate_duration = _via("analytics", _Analytics.estimate_duration)
    dispatch_outbox = _via("outbox", _Outbox.dispatch_outbox)
