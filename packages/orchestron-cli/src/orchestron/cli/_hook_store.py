"""The three things the per-prompt and per-tool hooks need, in plain SQL on the stdlib.

Why not the core: `orchestron hook UserPromptSubmit` runs on every prompt and
PostToolUse/PreToolUse on every tool call, with a budget of 120 ms. Importing
`orchestron.core` (attrs, cattrs) and asyncio costs several times that on
its own, while Python plus `sqlite3` starts in about 40 ms. So these hooks
read (and, to hand a message over, write) the SQLite file directly, speaking
exactly the schema version below. A file with any other version, or a store
that is not SQLite, makes `LeanStore.open` raise `Unsupported` and the hook
goes through the core instead: slower, never wrong.

What is written here mirrors the core's `take_undelivered` (mark delivered
under the write lock, only rows still undelivered, one `messages.delivered`
event) and the session lease renewal. tests/cli/test_hook_store.py checks the
results against the core's own functions on the same file.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta

__all__ = ["SCHEMA_VERSION", "LeanStore", "Stop", "Unsupported"]

# orchestron.sqlite's schema this module speaks (2 added memory, 3 indexes, 4 memory
# vectors): none of those steps touched the tables read or written here.
SCHEMA_VERSION = 4
APPLICATION_ID = 0x4F524348  # "ORCH", as orchestron.sqlite marks its files
BUSY_TIMEOUT = 3.0  # seconds to wait for another process's write lock

_OLDEST_FIRST = "ORDER BY created_at, sort_head, sort_num, id"
# The core's `undelivered_for` (core.ports.message_is_for): what is about a task
# this session holds, whoever it was first addressed to; what is addressed to the
# session; and what is addressed to its agent about no task.
_UNDELIVERED = (
    "SELECT id, kind, text, author, task_id, request_id FROM messages AS m"
    " WHERE delivered_at IS NULL AND (task_id IN (SELECT id FROM tasks WHERE claimed_by = :sid)"
    " OR session_id = :sid"
    " OR (task_id IS NULL AND session_id IS NULL AND agent_id = :agent))"
    " ORDER BY created_at, id"
)
_MESSAGE_KEYS = ("id", "kind", "text", "author", "task_id", "request_id")


class Unsupported(Exception):
    """This store is not one the lean path speaks; use the core."""


class Stop:
    """The session's task is paused by a person or waits for a person's answer."""

    __slots__ = ("by", "reason", "requests", "status", "task_id", "title")

    def __init__(
        self,
        task_id: str,
        title: str,
        status: str,
        *,
        reason: str = "",
        by: str = "",
        requests: list[tuple[str, str]] | None = None,
    ) -> None:
        self.task_id = task_id
        self.title = title
        self.status = status
        self.reason = reason
        self.by = by
        self.requests = requests or []


def utc_text(moment: datetime) -> str:
    """The adapter's fixed-width UTC text, so string order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class LeanStore:
    """One short-lived connection to the project's SQLite file."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str) -> LeanStore | None:
        """The store, or None when the file does not exist (no project yet: nothing to do)."""
        if not os.path.isfile(path):
            return None
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
        except sqlite3.Error as exc:
            raise Unsupported(f"cannot open {path}: {exc}") from exc
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app = conn.execute("PRAGMA application_id").fetchone()[0]
        except sqlite3.Error as exc:
            conn.close()
            raise Unsupported(f"cannot read {path}: {exc}") from exc
        if version != SCHEMA_VERSION or app != APPLICATION_ID:
            conn.close()
            raise Unsupported(f"{path} has schema {version}; this hook speaks {SCHEMA_VERSION}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")  # as the adapter: WAL, no fsync per commit
        return cls(conn, path)

    def close(self) -> None:
        self.conn.close()

    # -- reading -----------------------------------------------------------------------------

    def session_agent(self, session_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT agent_id FROM sessions WHERE id = ?", [session_id]
        ).fetchone()
        return str(row[0]) if row else None

    def undelivered(self, session_id: str, agent_id: str | None = None) -> list[dict[str, str]]:
        """What `take_messages` would hand over, oldest first (the core's `peek_messages`)."""
        agent = agent_id if agent_id is not None else self.session_agent(session_id)
        now = utc_text(datetime.now(UTC))
        rows = self.conn.execute(
            _UNDELIVERED, {"sid": session_id, "agent": agent or "", "now": now}
        )
        return [dict(zip(_MESSAGE_KEYS, row, strict=True)) for row in rows]

    def stops(self, session_id: str) -> list[Stop]:
        """Tasks the session holds that a person paused, or that wait for a person's answer."""
        rows = self.conn.execute(
            "SELECT id, title, status FROM tasks"
            " WHERE claimed_by = ? AND status IN ('PAUSED', 'BLOCKED') ORDER BY id",
            [session_id],
        ).fetchall()
        found = []
        for task_id, title, status in rows:
            stop = Stop(task_id, title, status)
            if status == "PAUSED":
                said = self.conn.execute(
                    "SELECT text, author FROM messages WHERE task_id = ? AND kind = 'PAUSE'"
                    " ORDER BY created_at DESC, sort_head DESC, sort_num DESC LIMIT 1",
                    [task_id],
                ).fetchone()
                if said:
                    stop.reason, stop.by = said
            else:
                stop.requests = [
                    (str(r[0]), str(r[1]))
                    for r in self.conn.execute(
                        "SELECT id, text FROM requests WHERE task_id = ? AND status = 'OPEN'"
                        f" AND blocking = 1 {_OLDEST_FIRST}",
                        [task_id],
                    )
                ]
            found.append(stop)
        return found

    # -- writing -----------------------------------------------------------------------------

    def take(self, session_id: str, via: str, actor: str | None = None) -> list[dict[str, str]]:
        """Mark the session's undelivered messages delivered and return them: each goes once.

        The mark is made under the write lock and only on rows still
        undelivered, so a channel, a tool reply or another hook racing for
        the same message hands it over once between them.
        """
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            agent = self.session_agent(session_id)
            pending = self.undelivered(session_id, agent or "")
            taken: list[dict[str, str]] = []
            if pending:
                now = utc_text(datetime.now(UTC))
                marked = {
                    row[0]
                    for row in self.conn.execute(
                        "UPDATE messages SET delivered_at = ?, delivered_to = ?, delivered_via = ?"
                        " WHERE delivered_at IS NULL AND id IN (SELECT value FROM json_each(?))"
                        " RETURNING id",
                        [now, session_id, via, json.dumps([m["id"] for m in pending])],
                    ).fetchall()
                }
                taken = [m for m in pending if m["id"] in marked]
                if taken:
                    data = {"messages": [m["id"] for m in taken], "via": via}
                    self.conn.execute(
                        "INSERT INTO events (at, actor, entity, kind, data) VALUES (?, ?, ?, ?, ?)",
                        [
                            now,
                            actor or agent or session_id,
                            session_id,
                            "messages.delivered",
                            json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                        ],
                    )
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return taken

    def renew_lease(self, session_id: str, lease_seconds: float) -> bool:
        """Renew a live session's lease once half of it has run; True if renewed.

        A Claude Code session that edits for a long while without calling an
        Orchestron tool is still at work: its hooks keep the claim alive. A
        lease already lapsed is left for the core to reap.
        """
        row = self.conn.execute(
            "SELECT status, lease_expires FROM sessions WHERE id = ?", [session_id]
        ).fetchone()
        now = datetime.now(UTC)
        if row is None or row[0] != "ACTIVE" or row[1] <= utc_text(now):
            return False
        if row[1] > utc_text(now + timedelta(seconds=lease_seconds / 2)):
            return False
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = self.conn.execute(
                "UPDATE sessions SET last_seen = ?, lease_expires = ?, version = version + 1"
                " WHERE id = ? AND status = 'ACTIVE' AND lease_expires > ?",
                [
                    utc_text(now),
                    utc_text(now + timedelta(seconds=lease_seconds)),
                    session_id,
                    utc_text(now),
                ],
            )
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return cursor.rowcount > 0

    def _rollback(self) -> None:
        try:  # noqa: SIM105 - contextlib is one more import on every prompt
            self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
