"""Sprints: a time box that groups tasks."""

from __future__ import annotations

from datetime import date, datetime

from attrs import evolve, frozen

from orchestron.core.domain.enums import SprintStatus

__all__ = ["Sprint"]


@frozen
class Sprint:
    id: str
    name: str
    created_at: datetime
    updated_at: datetime
    goal: str = ""
    status: SprintStatus = SprintStatus.PLANNED
    start_date: date | None = None
    end_date: date | None = None
    started_at: datetime | None = None
    closed_at: datetime | None = None
    updated_by: str = ""
    version: int = 1

    def changed(self, at: datetime, by: str, **changes: object) -> Sprint:
        return evolve(self, updated_at=at, updated_by=by, version=self.version + 1, **changes)  # type: ignore[arg-type]
