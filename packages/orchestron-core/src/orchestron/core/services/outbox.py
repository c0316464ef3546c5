"""Sending the outbox: notifications committed with the change, sent after it.

A change and its notifications commit together (`Work.notify`), so a process
that dies after the commit loses nothing: the item stays pending until some
process sends it. Delivery is at least once: a process killed after the POST
but before marking the item sent will send it again.

Two paths send:
- right after a commit, the items that unit of work queued (no read needed);
  then, best effort, older items whose retry is due (a crashed process's, or
  ones whose webhook was down);
- `dispatch_outbox()`, called on purpose (a door at start-up, `orchestron
  notify`, the tests), sends every pending item now.
A notifier that fails never fails the user's operation: the error is recorded
on the item, which stays pending.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from orchestron.core.domain.human import Notification
from orchestron.core.ports import Notifier, OutboxItem
from orchestron.core.services._base import Service, Work
from orchestron.core.services.events import Committed

__all__ = ["MAX_AGE", "MAX_ATTEMPTS", "RETRY_AFTER", "OutboxService", "retry_due"]

# An item is retried by the automatic sweep once RETRY_AFTER * 2**attempts has
# passed since it was queued (30 s, 1 min, 2 min, ...). The wait also keeps the
# sweep off items a live process has just committed and is sending itself.
RETRY_AFTER = timedelta(seconds=30)
# After this many failed attempts, or this long unsent, an item is retired
# (marked sent with its last error) so a dead webhook cannot hold the queue,
# and a webhook configured later is not flooded with stale news.
MAX_ATTEMPTS = 8
MAX_AGE = timedelta(days=1)
_SWEEP_LIMIT = 20


def retry_due(item: OutboxItem, now: datetime) -> bool:
    return now >= item.created_at + RETRY_AFTER * (1 << item.attempts)


class OutboxService(Service):
    """Sending the notifications that committed units of work left in the outbox."""

    async def dispatch_outbox(self, notifier: Notifier | None = None, *, limit: int = 100) -> int:
        """Send every pending notification now; return how many went out.

        Uses the configured notifier unless one is given. Failures stay pending
        with their error recorded; nothing is raised for them.
        """
        target = notifier or self.ports.notifier
        if target is None:
            return 0
        async with self.ports.outbox.lock:
            async with self.ports.storage.transaction(write=False) as tx:
                items = await tx.outbox.pending(limit=limit)
            live = await self._retire_stale(items)
            return await self._send(target, [(i.id, i.notification) for i in live])

    async def on_committed(self, work: Work, committed: Committed) -> None:
        """Send what the unit of work queued, then older items whose retry is due."""
        notifier = self.ports.notifier
        if notifier is None:
            return
        try:
            if committed.queued:
                await self._send(notifier, committed.queued)
            await self._sweep(notifier)
        except Exception:  # noqa: BLE001 (see below)
            # The user's change is committed; a notification problem must not
            # turn it into an error. Whatever was not marked sent stays pending.
            return

    async def _sweep(self, notifier: Notifier) -> None:
        lock = self.ports.outbox.lock
        if lock.locked():  # another operation in this process is sweeping already
            return
        async with lock:
            async with self.ports.storage.transaction(write=False) as tx:
                items = await tx.outbox.pending(limit=_SWEEP_LIMIT)
            now = self.ports.clock.now()
            due = [i for i in await self._retire_stale(items) if retry_due(i, now)]
            await self._send(notifier, [(i.id, i.notification) for i in due])

    async def _retire_stale(self, items: Sequence[OutboxItem]) -> list[OutboxItem]:
        now = self.ports.clock.now()
        stale = [i for i in items if i.attempts >= MAX_ATTEMPTS or now - i.created_at > MAX_AGE]
        if stale:
            async with self.ports.storage.transaction(write=True) as tx:
                for item in stale:
                    why = (
                        f"gave up after {item.attempts} attempts"
                        if item.attempts >= MAX_ATTEMPTS
                        else f"not sent within {MAX_AGE}"
                    )
                    await tx.outbox.mark_failed(item.id, f"{why}; last error: {item.last_error}")
                    await tx.outbox.mark_sent(item.id, now)
        return [i for i in items if i not in stale]

    async def _send(self, notifier: Notifier, items: Sequence[tuple[int, Notification]]) -> int:
        in_flight = self.ports.outbox.in_flight
        mine = [(i, n) for i, n in items if i not in in_flight]
        if not mine:
            return 0
        in_flight.update(i for i, _ in mine)
        try:
            sent: list[int] = []
            failed: list[tuple[int, str]] = []
            for item_id, notification in mine:
                try:
                    await notifier.notify(notification)
                except Exception as exc:  # noqa: BLE001 (any notifier failure is recorded)
                    failed.append((item_id, f"{type(exc).__name__}: {exc}"[:500]))
                else:
                    sent.append(item_id)
            at = self.ports.clock.now()
            async with self.ports.storage.transaction(write=True) as tx:
                for item_id in sent:
                    await tx.outbox.mark_sent(item_id, at)
                for item_id, error in failed:
                    await tx.outbox.mark_failed(item_id, error)
            return len(sent)
        finally:
            in_flight.difference_update(i for i, _ in mine)
