"""The event log: every change appends one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from attrs import field, frozen

__all__ = ["Event"]


@frozen
class Event:
    at: datetime
    actor: str
    entity: str
    kind: str
    data: dict[str, Any] = field(factory=dict)
    seq: int | None = None
