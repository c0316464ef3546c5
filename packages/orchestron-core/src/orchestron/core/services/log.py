"""Reading the event log."""

from __future__ import annotations

from collections.abc import Sequence

from orchestron.core.domain.event import Event
from orchestron.core.domain.ids import parse_count
from orchestron.core.services._base import Service, normalise_id

__all__ = ["EventService"]


class EventService(Service):
    """The event log, read."""

    async def events(
        self,
        *,
        after: int = 0,
        entity: str | None = None,
        kinds: Sequence[str] = (),
        limit: int | None = None,
    ) -> list[Event]:
        after = parse_count(after, "after", what="an event's sequence number")
        if limit is not None:
            limit = parse_count(limit, "limit")
        async with self._read() as work:
            return await work.tx.events.list(
                after=after,
                entity=normalise_id(entity) if entity else None,
                kinds=kinds,
                limit=limit,
            )

    async def last_event_seq(self) -> int:
        async with self._read() as work:
            return await work.tx.events.last_seq()
