"""The facade every door talks to: one object with every use case."""

from __future__ import annotations

from orchestron.core.domain.rules import RuleSet
from orchestron.core.ports import Clock, Embedder, Notifier, Storage
from orchestron.core.services._base import Settings
from orchestron.core.services.analytics import AnalyticsService
from orchestron.core.services.changes import ChangeService
from orchestron.core.services.events import EventService
from orchestron.core.services.human import HumanService
from orchestron.core.services.memory import MemoryService
from orchestron.core.services.outbox import OutboxService
from orchestron.core.services.resume import ResumeService
from orchestron.core.services.sprints import SprintService

__all__ = ["Orchestron"]


class Orchestron(
    SprintService,
    ChangeService,
    EventService,
    MemoryService,
    HumanService,
    OutboxService,
    ResumeService,
    AnalyticsService,
):
    """Use cases over the ports. Construct it with real adapters or with the fakes."""

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
        super().__init__(storage, clock, notifier, settings=settings, actor=actor)
        self.rules = rules or RuleSet()
        # Texts to vectors of meaning, for memory; None: memory is judged by words alone.
        self.embedder = embedder

    def acting_as(self, actor: str) -> Orchestron:
        """The same ports, another actor in the event log."""
        twin = Orchestron.__new__(Orchestron)
        twin.__dict__.update(self.__dict__)
        twin.actor = actor
        return twin

    def for_session(self, session_id: str | None) -> Orchestron:
        """The same ports and actor, acting for an agent's session: its writes to a task
        another live session holds are refused, and it cannot force a move."""
        twin = self.acting_as(self.actor)
        twin.caller_session = session_id
        return twin
