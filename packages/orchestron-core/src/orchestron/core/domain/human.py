"""The human channel: requests from agents, messages from people."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from attrs import evolve, field, frozen

from orchestron.core.domain.enums import MessageKind, RequestKind, RequestStatus, Urgency

__all__ = ["HumanRequest", "Message", "Notification"]


@frozen
class HumanRequest:
    """An agent asks a person: a clarification, help or an approval."""

    id: str
    kind: RequestKind
    text: str
    created_at: datetime
    urgency: Urgency = Urgency.NORMAL
    task_id: str | None = None
    session_id: str | None = None
    agent_id: str | None = None
    blocking: bool = False
    status: RequestStatus = RequestStatus.OPEN
    answer: str | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None
    version: int = 1

    def changed(self, **changes: object) -> HumanRequest:
        return evolve(self, version=self.version + 1, **changes)  # type: ignore[arg-type]


@frozen
class Message:
    """A person's word to an agent, kept until handed over exactly once."""

    id: str
    kind: MessageKind
    text: str
    author: str
    created_at: datetime
    task_id: str | None = None
    session_id: str | None = None
    agent_id: str | None = None
    request_id: str | None = None
    delivered_at: datetime | None = None
    delivered_to: str | None = None
    delivered_via: str | None = None


@frozen
class Notification:
    """Something worth a person's attention, sent through the Notifier port."""

    kind: str
    title: str
    at: datetime
    text: str = ""
    urgency: Urgency = Urgency.NORMAL
    task_id: str | None = None
    session_id: str | None = None
    actor: str = ""
    data: dict[str, Any] = field(factory=dict)
