"""Agents work in sessions; a session holds a lease renewed by any activity."""

from __future__ import annotations

from datetime import datetime

from attrs import evolve, frozen

from orchestron.core.domain.enums import SessionStatus

__all__ = ["Session"]


@frozen
class Session:
    id: str
    agent_id: str
    started_at: datetime
    last_seen: datetime
    lease_expires: datetime
    status: SessionStatus = SessionStatus.ACTIVE
    ended_at: datetime | None = None
    client: str = ""
    version: int = 1

    def effective_status(self, now: datetime) -> SessionStatus:
        """A lapsed lease means abandoned, judged on read with no daemon."""
        if self.status is SessionStatus.ACTIVE and self.lease_expires <= now:
            return SessionStatus.ABANDONED
        return self.status

    def is_live(self, now: datetime) -> bool:
        return self.effective_status(now) is SessionStatus.ACTIVE

    def changed(self, **changes: object) -> Session:
        return evolve(self, version=self.version + 1, **changes)  # type: ignore[arg-type]
