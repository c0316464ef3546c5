"""The human channel, the event log and the outbox on PostgreSQL."""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from datetime import datetime

from attrs import evolve

from orchestron.core.domain.enums import RequestStatus
from orchestron.core.domain.event import Event
from orchestron.core.domain.human import HumanRequest, Message, Notification
from orchestron.core.errors import NotFoundError
from orchestron.core.ports import OutboxItem
from orchestron.postgres._db import Db, affected, already_exists, raise_stale
from orchestron.postgres._rows import dump, id_key, load

__all__ = ["PgEvents", "PgMessages", "PgOutbox", "PgRequests"]


def _created_order(item: HumanRequest | Message) -> tuple[object, ...]:
    return (item.created_at, id_key(item.id))


class PgRequests:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def get(self, request_id: str) -> HumanRequest | None:
        text = await self._db.fetchval("SELECT data FROM requests WHERE id = $1", request_id)
        return load(text, HumanRequest) if text is not None else None

    async def add(self, request: HumanRequest) -> None:
        status = await self._db.execute(
            "INSERT INTO requests (id, status, task_id, created_at, data, version) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
            *_request_args(request),
        )
        if not affected(status):
            raise already_exists("request", request.id)

    async def update(self, request: HumanRequest) -> None:
        status = await self._db.execute(
            "UPDATE requests SET status = $2, task_id = $3, created_at = $4, data = $5, "
            "version = $6 WHERE id = $1 AND version = $6 - 1",
            *_request_args(request),
        )
        if not affected(status):
            await raise_stale(self._db, "requests", "request", request)

    async def list(
        self, *, status: RequestStatus | None = None, task_id: str | None = None
    ) -> builtins.list[HumanRequest]:
        rows = await self._db.fetch(
            "SELECT data FROM requests WHERE ($1::text IS NULL OR status = $1) "
            "AND ($2::text IS NULL OR task_id = $2)",
            status.value if status is not None else None,
            task_id,
        )
        return sorted((load(r[0], HumanRequest) for r in rows), key=_created_order)


def _request_args(r: HumanRequest) -> tuple[object, ...]:
    return (r.id, r.status.value, r.task_id, r.created_at, dump(r), r.version)


class PgMessages:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def get(self, message_id: str) -> Message | None:
        text = await self._db.fetchval("SELECT data FROM messages WHERE id = $1", message_id)
        return load(text, Message) if text is not None else None

    async def add(self, message: Message) -> None:
        status = await self._db.execute(
            "INSERT INTO messages (id, task_id, session_id, agent_id, created_at, delivered_at, "
            "data) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
            message.id,
            message.task_id,
            message.session_id,
            message.agent_id,
            message.created_at,
            message.delivered_at,
            dump(message),
        )
        if not affected(status):
            raise already_exists("message", message.id)

    async def list(self, *, task_id: str | None = None) -> builtins.list[Message]:
        rows = await self._db.fetch(
            "SELECT data FROM messages WHERE $1::text IS NULL OR task_id = $1", task_id
        )
        return sorted((load(r[0], Message) for r in rows), key=_created_order)

    async def undelivered(
        self, *, session_id: str, agent_id: str, task_ids: Sequence[str]
    ) -> builtins.list[Message]:
        rows = await self._db.fetch(
            # core.ports.message_is_for
            "SELECT data FROM messages WHERE delivered_at IS NULL AND ("
            " task_id = ANY($3::text[])"
            " OR session_id = $1"
            " OR (task_id IS NULL AND session_id IS NULL AND agent_id = $2))",
            session_id,
            agent_id,
            list(task_ids),
        )
        return sorted((load(r[0], Message) for r in rows), key=_created_order)

    async def undelivered_without_task(self) -> builtins.list[Message]:
        rows = await self._db.fetch(
            "SELECT data FROM messages WHERE delivered_at IS NULL AND task_id IS NULL"
        )
        return sorted((load(r[0], Message) for r in rows), key=_created_order)

    async def mark_delivered(
        self, message_ids: Sequence[str], *, to: str, via: str, at: datetime
    ) -> builtins.list[str]:
        wanted = list(dict.fromkeys(message_ids))
        rows = await self._db.fetch(
            "SELECT data FROM messages WHERE id = ANY($1::text[]) AND delivered_at IS NULL",
            wanted,
        )
        found = {m.id: m for m in (load(r[0], Message) for r in rows)}
        marked = [mid for mid in wanted if mid in found]
        if marked:
            await self._db.executemany(
                "UPDATE messages SET delivered_at = $2, data = $3 WHERE id = $1",
                [
                    (
                        mid,
                        at,
                        dump(
                            evolve(found[mid], delivered_at=at, delivered_to=to, delivered_via=via)
                        ),
                    )
                    for mid in marked
                ],
            )
        return marked


class PgEvents:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def append(self, event: Event) -> Event:
        # Numbered here under the write lock (max + 1: gapless, in commit order, so a
        # reader that has seen seq n never misses an event numbered n or less later)
        # and sent with the next statement or at COMMIT. The `events_notify` trigger
        # announces each seq when the transaction commits (LISTEN/NOTIFY).
        data = json.loads(dump(event.data))
        seq = await self._db.next_seq()
        self._db.pending_events.append(
            (
                seq,
                event.at,
                event.actor,
                event.entity,
                event.kind,
                json.dumps(data, ensure_ascii=False),
            )
        )
        return evolve(event, seq=seq, data=data)

    async def list(
        self,
        *,
        after: int = 0,
        entity: str | None = None,
        kinds: Sequence[str] = (),
        limit: int | None = None,
    ) -> builtins.list[Event]:
        rows = await self._db.fetch(
            "SELECT seq, at, actor, entity, kind, data FROM events WHERE seq > $1 "
            "AND ($2::text IS NULL OR entity = $2) "
            "AND (cardinality($3::text[]) = 0 OR kind = ANY($3::text[])) "
            "ORDER BY seq LIMIT $4",
            after,
            entity,
            list(kinds),
            limit,
        )
        return [
            Event(
                at=r["at"],
                actor=r["actor"],
                entity=r["entity"],
                kind=r["kind"],
                data=json.loads(r["data"]),
                seq=r["seq"],
            )
            for r in rows
        ]

    async def last_seq(self) -> int:
        if self._db.last_seq is not None:
            return self._db.last_seq
        return int(await self._db.fetchval("SELECT coalesce(max(seq), 0) FROM events"))


class PgOutbox:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def add(self, notification: Notification) -> int:
        item_id: int = await self._db.fetchval(
            "INSERT INTO outbox (id, notification, created_at) "
            "SELECT coalesce(max(id), 0) + 1, $1, $2 FROM outbox RETURNING id",
            dump(notification),
            notification.at,
        )
        return item_id

    async def pending(self, *, limit: int = 100) -> builtins.list[OutboxItem]:
        rows = await self._db.fetch(
            "SELECT id, notification, created_at, attempts, sent_at, last_error FROM outbox "
            "WHERE sent_at IS NULL ORDER BY id LIMIT $1",
            limit,
        )
        return [
            OutboxItem(
                id=r["id"],
                notification=load(r["notification"], Notification),
                created_at=r["created_at"],
                attempts=r["attempts"],
                sent_at=r["sent_at"],
                last_error=r["last_error"],
            )
            for r in rows
        ]

    async def mark_sent(self, item_id: int, at: datetime) -> None:
        status = await self._db.execute(
            "UPDATE outbox SET sent_at = $2, attempts = attempts + 1 WHERE id = $1", item_id, at
        )
        _found(status, item_id)

    async def mark_failed(self, item_id: int, error: str) -> None:
        status = await self._db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1",
            item_id,
            error,
        )
        _found(status, item_id)


def _found(status: str, item_id: int) -> None:
    if not affected(status):
        raise NotFoundError("outbox item", str(item_id))
