"""Handoff: a stored package from one session to the next."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from attrs import evolve, field, frozen

from orchestron.core.domain.enums import HandoffStatus

__all__ = ["ContextRecord", "Handoff"]


@frozen
class ContextRecord:
    """A saved context as stored: who saved it, when, for which task, and its size."""

    session_id: str
    agent_id: str
    saved_at: datetime
    data: dict[str, Any] = field(factory=dict)
    task_id: str | None = None
    size_bytes: int = 0
    id: int | None = None


@frozen
class Handoff:
    id: str
    from_session: str
    from_agent: str
    created_at: datetime
    package: dict[str, Any] = field(factory=dict)
    to_agent: str | None = None
    task_id: str | None = None
    status: HandoffStatus = HandoffStatus.PENDING
    accepted_by: str | None = None
    accepted_at: datetime | None = None
    version: int = 1

    def changed(self, **changes: object) -> Handoff:
        return evolve(self, version=self.version + 1, **changes)  # type: ignore[arg-type]
