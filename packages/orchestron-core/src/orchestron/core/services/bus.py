"""A small message bus: domain events to the handlers registered for them.

Handlers run one after another, in the order they were registered, inside the
unit of work that published the event (`Work.publish`), so what they write
commits or rolls back with the change that caused it; a handler that raises
fails that change. The one exception is `Committed`, published after the
commit. Handlers are registered once, in `bootstrap`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

__all__ = ["Handler", "MessageBus"]

E = TypeVar("E")
Handler = Callable[[Any, Any], Awaitable[None]]


class MessageBus:
    def __init__(self) -> None:
        self._handlers: dict[type, list[Handler]] = {}

    def subscribe(self, event: type[E], handler: Callable[[Any, E], Awaitable[None]]) -> None:
        """Call `handler(work, event)` for every `event` published, after those before it."""
        self._handlers.setdefault(event, []).append(handler)

    def handlers(self, event: type) -> tuple[Handler, ...]:
        return tuple(self._handlers.get(event, ()))

    async def publish(self, work: Any, event: object) -> None:
        for handler in self._handlers.get(type(event), ()):
            await handler(work, event)
