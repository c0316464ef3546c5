"""Clock helpers that stay pure: the real clock lives in the adapters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from attrs import define

__all__ = ["FixedClock"]


@define
class FixedClock:
    """A clock tests set and advance by hand."""

    current: datetime = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float = 0, **delta: float) -> datetime:
        self.current += timedelta(seconds=seconds, **delta)
        return self.current

    def set(self, when: datetime) -> None:
        self.current = when
