"""Sprints, sessions, contexts and handoffs on PostgreSQL."""

from __future__ import annotations

import builtins
import json
from datetime import datetime

import asyncpg

from orchestron.core.domain.enums import HandoffStatus
from orchestron.core.domain.handoff import ContextRecord, Handoff
from orchestron.core.domain.session import Session
from orchestron.core.domain.sprint import Sprint
from orchestron.postgres._db import Db, affected, already_exists, raise_stale
from orchestron.postgres._rows import (
    dump,
    id_key,
    load,
    session_args,
    session_from_row,
)

__all__ = ["PgContexts", "PgHandoffs", "PgSessions", "PgSprints"]

_SESSION_COLUMNS = (
    "id, agent_id, started_at, last_seen, lease_expires, status, ended_at, client, version"
)


class PgSprints:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def get(self, sprint_id: str) -> Sprint | None:
        text = await self._db.fetchval("SELECT data FROM sprints WHERE id = $1", sprint_id)
        return load(text, Sprint) if text is not None else None

    async def add(self, sprint: Sprint) -> None:
        status = await self._db.execute(
            "INSERT INTO sprints (id, data, status, version) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (id) DO NOTHING",
            sprint.id,
            dump(sprint),
            sprint.status.value,
            sprint.version,
        )
        if not affected(status):
            raise already_exists("sprint", sprint.id)

    async def update(self, sprint: Sprint) -> None:
        status = await self._db.execute(
            "UPDATE sprints SET data = $2, status = $3, version = $4 "
            "WHERE id = $1 AND version = $4 - 1",
            sprint.id,
            dump(sprint),
            sprint.status.value,
            sprint.version,
        )
        if not affected(status):
            await raise_stale(self._db, "sprints", "sprint", sprint, with_author=True)

    async def list(self) -> builtins.list[Sprint]:
        rows = await self._db.fetch("SELECT data FROM sprints")
        return sorted((load(r[0], Sprint) for r in rows), key=lambda s: id_key(s.id))

    async def active(self) -> Sprint | None:
        text = await self._db.fetchval(
            "SELECT data FROM sprints WHERE status = 'ACTIVE' ORDER BY id LIMIT 1"
        )
        return load(text, Sprint) if text is not None else None


class PgSessions:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def get(self, session_id: str) -> Session | None:
        row = await self._db.fetchrow(
            f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id = $1", session_id
        )
        return session_from_row(row) if row is not None else None

    async def add(self, session: Session) -> None:
        status = await self._db.execute(
            f"INSERT INTO sessions ({_SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            " ON CONFLICT (id) DO NOTHING",
            *session_args(session),
        )
        if not affected(status):
            raise already_exists("session", session.id)

    async def update(self, session: Session) -> None:
        status = await self._db.execute(
            "UPDATE sessions SET agent_id = $2, started_at = $3, last_seen = $4, "
            "lease_expires = $5, status = $6, ended_at = $7, client = $8, version = $9 "
            "WHERE id = $1 AND version = $9 - 1",
            *session_args(session),
        )
        if not affected(status):
            await raise_stale(self._db, "sessions", "session", session)

    async def list(self, *, limit: int | None = None) -> builtins.list[Session]:
        rows = await self._db.fetch(
            f"SELECT {_SESSION_COLUMNS} FROM sessions ORDER BY started_at DESC, id DESC LIMIT $1",
            limit,
        )
        return [session_from_row(r) for r in rows]

    async def lapsed(self, now: datetime) -> builtins.list[Session]:
        rows = await self._db.fetch(
            f"SELECT {_SESSION_COLUMNS} FROM sessions "
            "WHERE status = 'ACTIVE' AND lease_expires <= $1 ORDER BY id",
            now,
        )
        return [session_from_row(r) for r in rows]

    async def latest_for_agent(
        self, agent_id: str, *, exclude: str | None = None
    ) -> Session | None:
        row = await self._db.fetchrow(
            f"SELECT {_SESSION_COLUMNS} FROM sessions "
            "WHERE agent_id = $1 AND id IS DISTINCT FROM $2 "
            "ORDER BY started_at DESC, id DESC LIMIT 1",
            agent_id,
            exclude,
        )
        return session_from_row(row) if row is not None else None


class PgContexts:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def add(self, record: ContextRecord) -> ContextRecord:
        # Write units of work hold the write lock, so max + 1 is safe and gapless.
        new_id = await self._db.fetchval(
            "INSERT INTO contexts (id, session_id, agent_id, task_id, saved_at, size_bytes, data)"
            " SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, $5, $6 FROM contexts RETURNING id",
            record.session_id,
            record.agent_id,
            record.task_id,
            record.saved_at,
            record.size_bytes,
            dump(record.data),
        )
        stored = await self._one("id = $1", new_id)
        assert stored is not None
        return stored

    async def _one(self, where: str, value: object) -> ContextRecord | None:
        row = await self._db.fetchrow(
            "SELECT id, session_id, agent_id, task_id, saved_at, size_bytes, data FROM contexts "
            f"WHERE {where} ORDER BY id DESC LIMIT 1",
            value,
        )
        return _context(row) if row is not None else None

    async def latest_for_session(self, session_id: str) -> ContextRecord | None:
        return await self._one("session_id = $1", session_id)

    async def latest_for_agent(self, agent_id: str) -> ContextRecord | None:
        return await self._one("agent_id = $1", agent_id)

    async def latest_for_task(self, task_id: str) -> ContextRecord | None:
        return await self._one("task_id = $1", task_id)

    async def all(self) -> builtins.list[ContextRecord]:
        rows = await self._db.fetch(
            "SELECT id, session_id, agent_id, task_id, saved_at, size_bytes, data FROM contexts "
            "ORDER BY id"
        )
        return [_context(r) for r in rows]


def _context(r: asyncpg.Record) -> ContextRecord:
    return ContextRecord(
        session_id=r["session_id"],
        agent_id=r["agent_id"],
        saved_at=r["saved_at"],
        data=json.loads(r["data"]),
        task_id=r["task_id"],
        size_bytes=r["size_bytes"],
        id=r["id"],
    )


class PgHandoffs:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def get(self, handoff_id: str) -> Handoff | None:
        text = await self._db.fetchval("SELECT data FROM handoffs WHERE id = $1", handoff_id)
        return load(text, Handoff) if text is not None else None

    async def add(self, handoff: Handoff) -> None:
        status = await self._db.execute(
            "INSERT INTO handoffs (id, status, to_agent, created_at, data, version) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
            *_handoff_args(handoff),
        )
        if not affected(status):
            raise already_exists("handoff", handoff.id)

    async def update(self, handoff: Handoff) -> None:
        status = await self._db.execute(
            "UPDATE handoffs SET status = $2, to_agent = $3, created_at = $4, data = $5, "
            "version = $6 WHERE id = $1 AND version = $6 - 1",
            *_handoff_args(handoff),
        )
        if not affected(status):
            await raise_stale(self._db, "handoffs", "handoff", handoff)

    async def pending(self) -> builtins.list[Handoff]:
        rows = await self._db.fetch(
            "SELECT data FROM handoffs WHERE status = $1", HandoffStatus.PENDING.value
        )
        return sorted((load(r[0], Handoff) for r in rows), key=_handoff_order)

    async def list(self, *, limit: int | None = None) -> builtins.list[Handoff]:
        rows = await self._db.fetch("SELECT data FROM handoffs")
        out = sorted((load(r[0], Handoff) for r in rows), key=_handoff_order, reverse=True)
        return out[:limit] if limit is not None else out


def _handoff_order(h: Handoff) -> tuple[object, ...]:
    return (h.created_at, id_key(h.id))


def _handoff_args(h: Handoff) -> tuple[object, ...]:
    return (h.id, h.status.value, h.to_agent, h.created_at, dump(h), h.version)
