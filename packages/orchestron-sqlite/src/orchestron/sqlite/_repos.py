"""The repositories other than tasks and dependencies."""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from attrs import evolve

from orchestron.core.domain.enums import RequestStatus
from orchestron.core.domain.event import Event
from orchestron.core.domain.handoff import ContextRecord, Handoff
from orchestron.core.domain.human import HumanRequest, Message, Notification
from orchestron.core.domain.session import Session
from orchestron.core.domain.sprint import Sprint
from orchestron.core.errors import NotFoundError
from orchestron.core.ports import OutboxItem
from orchestron.sqlite._codec import RowCodec, dumps, utc_text
from orchestron.sqlite._db import Database
from orchestron.sqlite._table import Table, fetch, fetch_one

__all__ = [
    "SqliteContexts",
    "SqliteEvents",
    "SqliteHandoffs",
    "SqliteMessages",
    "SqliteOutbox",
    "SqliteRequests",
    "SqliteSessions",
    "SqliteSprints",
]

SPRINTS: Table[Sprint] = Table("sprints", "sprint", RowCodec(Sprint), sortable=True)
SESSIONS: Table[Session] = Table("sessions", "session", RowCodec(Session))
HANDOFFS: Table[Handoff] = Table("handoffs", "handoff", RowCodec(Handoff), sortable=True)
REQUESTS: Table[HumanRequest] = Table("requests", "request", RowCodec(HumanRequest), sortable=True)
MESSAGES: Table[Message] = Table("messages", "message", RowCodec(Message), sortable=True)
_CONTEXT = RowCodec(ContextRecord)
EVENT_CODEC = RowCodec(Event)
_OUTBOX = RowCodec(OutboxItem)
# Inserts leave out id and seq, so SQLite numbers them.
_NEW_CONTEXT = RowCodec(ContextRecord, skip=("id",))
NEW_EVENT = RowCodec(Event, skip=("seq",))
INSERT_EVENT = (
    f"INSERT INTO events ({NEW_EVENT.columns}) VALUES ({', '.join('?' * len(NEW_EVENT.names))})"
)

_OLDEST_FIRST = "ORDER BY created_at, sort_head, sort_num, id"
_NEWEST_FIRST = "ORDER BY created_at DESC, sort_head DESC, sort_num DESC, id DESC"


def _limit(sql: str, params: list[Any], limit: int | None) -> str:
    if limit is None:
        return sql
    params.append(limit)
    return f"{sql} LIMIT ?"


class _Repo:
    def __init__(self, conn: Database) -> None:
        self._conn = conn


class SqliteSprints(_Repo):
    async def get(self, sprint_id: str) -> Sprint | None:
        return await SPRINTS.get(self._conn, sprint_id)

    async def add(self, sprint: Sprint) -> None:
        await SPRINTS.insert(self._conn, sprint)

    async def update(self, sprint: Sprint) -> None:
        await SPRINTS.update(self._conn, sprint)

    async def list(self) -> builtins.list[Sprint]:
        return await SPRINTS.many(self._conn, f"ORDER BY {SPRINTS.order}")

    async def active(self) -> Sprint | None:
        found = await SPRINTS.many(
            self._conn, f"WHERE status = 'ACTIVE' ORDER BY {SPRINTS.order} LIMIT 1"
        )
        return found[0] if found else None


class SqliteSessions(_Repo):
    async def get(self, session_id: str) -> Session | None:
        return await SESSIONS.get(self._conn, session_id)

    async def add(self, session: Session) -> None:
        await SESSIONS.insert(self._conn, session)

    async def update(self, session: Session) -> None:
        await SESSIONS.update(self._conn, session)

    async def list(self, *, limit: int | None = None) -> builtins.list[Session]:
        params: list[Any] = []
        sql = _limit("ORDER BY started_at DESC, id DESC", params, limit)
        return await SESSIONS.many(self._conn, sql, params)

    async def lapsed(self, now: datetime) -> builtins.list[Session]:
        return await SESSIONS.many(
            self._conn,
            "WHERE status = 'ACTIVE' AND lease_expires <= ? ORDER BY id",
            [utc_text(now)],
        )

    async def latest_for_agent(
        self, agent_id: str, *, exclude: str | None = None
    ) -> Session | None:
        found = await SESSIONS.many(
            self._conn,
            "WHERE agent_id = ? AND (? IS NULL OR id <> ?)"
            " ORDER BY started_at DESC, id DESC LIMIT 1",
            [agent_id, exclude, exclude],
        )
        return found[0] if found else None


class SqliteContexts(_Repo):
    async def add(self, record: ContextRecord) -> ContextRecord:
        cursor = await self._conn.execute(
            f"INSERT INTO contexts ({_NEW_CONTEXT.columns}) VALUES ({_NEW_CONTEXT.placeholders})",
            _NEW_CONTEXT.values(record),
        )
        return evolve(record, id=cursor.lastrowid)

    async def _latest(self, column: str, value: str) -> ContextRecord | None:
        found = await self._many(f"WHERE {column} = ? ORDER BY id DESC LIMIT 1", [value])
        return found[0] if found else None

    async def _many(self, where: str, params: Sequence[Any] = ()) -> builtins.list[ContextRecord]:
        rows = await fetch(self._conn, f"SELECT {_CONTEXT.columns} FROM contexts {where}", params)
        return [_CONTEXT.load(r) for r in rows]

    async def latest_for_session(self, session_id: str) -> ContextRecord | None:
        return await self._latest("session_id", session_id)

    async def latest_for_agent(self, agent_id: str) -> ContextRecord | None:
        return await self._latest("agent_id", agent_id)

    async def latest_for_task(self, task_id: str) -> ContextRecord | None:
        return await self._latest("task_id", task_id)

    async def all(self) -> builtins.list[ContextRecord]:
        return await self._many("ORDER BY id")


class SqliteHandoffs(_Repo):
    async def get(self, handoff_id: str) -> Handoff | None:
        return await HANDOFFS.get(self._conn, handoff_id)

    async def add(self, handoff: Handoff) -> None:
        await HANDOFFS.insert(self._conn, handoff)

    async def update(self, handoff: Handoff) -> None:
        await HANDOFFS.update(self._conn, handoff)

    async def pending(self) -> builtins.list[Handoff]:
        return await HANDOFFS.many(self._conn, f"WHERE status = 'PENDING' {_OLDEST_FIRST}")

    async def list(self, *, limit: int | None = None) -> builtins.list[Handoff]:
        params: list[Any] = []
        return await HANDOFFS.many(self._conn, _limit(_NEWEST_FIRST, params, limit), params)


class SqliteRequests(_Repo):
    async def get(self, request_id: str) -> HumanRequest | None:
        return await REQUESTS.get(self._conn, request_id)

    async def add(self, request: HumanRequest) -> None:
        await REQUESTS.insert(self._conn, request)

    async def update(self, request: HumanRequest) -> None:
        await REQUESTS.update(self._conn, request)

    async def list(
        self, *, status: RequestStatus | None = None, task_id: str | None = None
    ) -> builtins.list[HumanRequest]:
        wanted = None if status is None else status.value
        return await REQUESTS.many(
            self._conn,
            f"WHERE (? IS NULL OR status = ?) AND (? IS NULL OR task_id = ?) {_OLDEST_FIRST}",
            [wanted, wanted, task_id, task_id],
        )


class SqliteMessages(_Repo):
    async def get(self, message_id: str) -> Message | None:
        return await MESSAGES.get(self._conn, message_id)

    async def add(self, message: Message) -> None:
        await MESSAGES.insert(self._conn, message)

    async def list(self, *, task_id: str | None = None) -> builtins.list[Message]:
        return await MESSAGES.many(
            self._conn, f"WHERE (? IS NULL OR task_id = ?) {_OLDEST_FIRST}", [task_id, task_id]
        )

    async def undelivered(
        self, *, session_id: str, agent_id: str, task_ids: Sequence[str]
    ) -> builtins.list[Message]:
        return await MESSAGES.many(
            self._conn,
            # core.ports.message_is_for
            "WHERE delivered_at IS NULL AND (task_id IN (SELECT value FROM json_each(?))"
            " OR session_id = ?"
            " OR (task_id IS NULL AND session_id IS NULL AND agent_id = ?))"
            f" {_OLDEST_FIRST}",
            [json.dumps(list(task_ids)), session_id, agent_id],
        )

    async def undelivered_without_task(self) -> builtins.list[Message]:
        return await MESSAGES.many(
            self._conn, f"WHERE delivered_at IS NULL AND task_id IS NULL {_OLDEST_FIRST}"
        )

    async def mark_delivered(
        self, message_ids: Sequence[str], *, to: str, via: str, at: datetime
    ) -> builtins.list[str]:
        if not message_ids:
            return []
        # The WHERE on delivered_at under the write lock is what makes delivery exactly once.
        rows = await fetch(
            self._conn,
            "UPDATE messages SET delivered_at = ?, delivered_to = ?, delivered_via = ?"
            " WHERE delivered_at IS NULL AND id IN (SELECT value FROM json_each(?))"
            " RETURNING id",
            [utc_text(at), to, via, json.dumps(list(message_ids))],
        )
        marked = {r[0] for r in rows}
        return [m for m in dict.fromkeys(message_ids) if m in marked]


class SqliteEvents(_Repo):
    async def append(self, event: Event) -> Event:
        cursor = await self._conn.execute(INSERT_EVENT, NEW_EVENT.values(event))
        return evolve(event, seq=cursor.lastrowid)

    async def list(
        self,
        *,
        after: int = 0,
        entity: str | None = None,
        kinds: Sequence[str] = (),
        limit: int | None = None,
    ) -> builtins.list[Event]:
        clauses = ["seq > ?"]
        params: list[Any] = [max(after, 0)]
        if entity is not None:
            clauses.append("entity = ?")
            params.append(entity)
        if kinds:
            clauses.append("kind IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(kinds)))
        sql = _limit(
            f"SELECT {EVENT_CODEC.columns} FROM events WHERE {' AND '.join(clauses)} ORDER BY seq",
            params,
            limit,
        )
        rows = await fetch(self._conn, sql, params)
        return [EVENT_CODEC.load(r) for r in rows]

    async def last_seq(self) -> int:
        row = await fetch_one(self._conn, "SELECT coalesce(max(seq), 0) FROM events")
        return int(row[0])


class SqliteOutbox(_Repo):
    async def add(self, notification: Notification) -> int:
        cursor = await self._conn.execute(
            "INSERT INTO outbox (notification, created_at) VALUES (?, ?)",
            [dumps(notification), utc_text(notification.at)],
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def pending(self, *, limit: int = 100) -> builtins.list[OutboxItem]:
        rows = await fetch(
            self._conn,
            f"SELECT {_OUTBOX.columns} FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?",
            [limit],
        )
        return [_OUTBOX.load(r) for r in rows]

    async def mark_sent(self, item_id: int, at: datetime) -> None:
        await self._mark(
            "sent_at = ?, attempts = attempts + 1 WHERE id = ?", [utc_text(at), item_id]
        )

    async def mark_failed(self, item_id: int, error: str) -> None:
        await self._mark("last_error = ?, attempts = attempts + 1 WHERE id = ?", [error, item_id])

    async def _mark(self, assignment: str, params: list[Any]) -> None:
        cursor = await self._conn.execute(f"UPDATE outbox SET {assignment}", params)
        if not cursor.rowcount:
            raise NotFoundError("outbox item", str(params[-1]))
