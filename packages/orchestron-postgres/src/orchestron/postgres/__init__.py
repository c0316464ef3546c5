"""Orchestron storage on PostgreSQL: agents on several machines share one board.

`PostgresStorage.open("postgresql://user@host/db")` gives the Storage port with
the same guarantees as the SQLite adapter (atomic claims, optimistic locking,
one transaction per unit of work) plus live events over LISTEN/NOTIFY
(`PostgresStorage.listen_events()`). See docs/postgres.md.
"""

from orchestron.postgres._schema import SCHEMA_VERSION
from orchestron.postgres._settings import PgSettings, parse_url
from orchestron.postgres._storage import PgUnitOfWork, PostgresStorage

__all__ = ["SCHEMA_VERSION", "PgSettings", "PgUnitOfWork", "PostgresStorage", "parse_url"]
