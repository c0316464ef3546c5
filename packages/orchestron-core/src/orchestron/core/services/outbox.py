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

import anyio

from orchestron.core.domain.human import Notification
from orchestron.core.ports import Notifier, OutboxItem
from orchestron.core.services._base import ServiceBase, Work

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


class OutboxService(ServiceBase):
    async def dispatch_outbox(self, notifier: Notifier | None = None, *, limit: int = 100) -> int:
        """Send every pending notification now; return how many went out.

        Uses the configured notifier unless one is given. Failures stay pending
        with their error recorded; nothing is raised for them.
        """
        target = notifier or self.notifier
        if target is None:
            return 0
        async with self._sweep_lock():
            async with self.storage.transaction(write=False) as tx:
                items = await tx.outbox.pending(limit=limit)
            live = await self._retire_stale(items)
            return await self._send(target, [(i.id, i.notification) for i in live])

    async def _after_commit(self, work: Work) -> None:
        await super()._after_commit(work)
        if self.notifier is None:
            return
        try:
            if work.queued:
                await self._send(self.notifier, work.queued)
            await self._sweep(self.notifier)
        except Exception:  # noqa: BLE001 (see below)
            # The user's change is committed; a notification problem must not
            # turn it into an error. Whatever was not marked sent stays pending.
            return

    def _sweep_lock(self) -> anyio.Lock:
        lock: anyio.Lock = self.__dict__.setdefault("_outbox_lock", anyio.Lock())
        return lock

    def _in_flight(self) -> set[int]:
        """Items this process is sending right now, so a sweep does not send them twice."""
        ids: set[int] = self.__dict__.setdefault("_outbox_in_flight", set())
        return ids

    async def _sweep(self, notifier: Notifier) -> None:
        lock = self._sweep_lock()
        if lock.locked():  # another operation in this process is sweeping already
            return
        async with lock:
            async with self.storage.transaction(write=False) as tx:
                items = await tx.outbox.pending(limit=_SWEEP_LIMIT)
            now = self.clock.now()
            due = [i for i in await self._retire_stale(items) if retry_due(i, now)]
            await self._send(notifier, [(i.id, i.notification) for i in due])

    async def _retire_stale(self, items: Sequence[OutboxItem]) -> list[OutboxItem]:
        now = self.clock.now()
        stale = [i for i in items if i.attempts >= MAX_ATTEMPTS or now - i.created_at > MAX_AGE]
        if stale:
            async with self.storage.transaction(write=True) as tx:
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
        in_flight = self._in_flight()
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
            at = self.clock.now()
            async with self.storage.transaction(write=True) as tx:
                for item_id in sent:
                    await tx.outbox.mark_sent(item_id, at)
                for item_id, error in failed:
                    await tx.outbox.mark_failed(item_id, error)
            return len(sent)
        finally:
            in_flight.difference_update(i for i, _ in mine)
