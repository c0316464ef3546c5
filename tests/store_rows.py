"""Every row of a SQLite project, read beside the process under test: what a refused
call, request or command must leave exactly as it was."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

__all__ = ["store_rows"]


def store_rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read beside the server: what a refused call must not touch.

    Sessions leave out their lease clock (last_seen, lease_expires, version): the
    server renews the lease on its own time, whatever the call.
    """
    with closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'memory_fts_%'"
            )
        ]
        rows: dict[str, list[tuple[Any, ...]]] = {}
        for name in sorted(names):
            if name == "sessions":
                sql = "SELECT id, agent_id, started_at, status, ended_at, client FROM sessions"
            else:
                sql = f"SELECT * FROM {name}"
            rows[name] = sorted(conn.execute(sql).fetchall(), key=repr)
        return rows
