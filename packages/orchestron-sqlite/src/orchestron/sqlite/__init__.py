"""Orchestron storage on SQLite: one file per project, shared by every process.

`await SqliteStorage.open(path)` creates or migrates the file and returns a
`Storage` (see `orchestron.core.ports`); `await storage.close()` when done.
"""

from orchestron.sqlite._schema import SCHEMA_VERSION
from orchestron.sqlite._storage import SqliteStorage
from orchestron.sqlite._uow import SqliteUnitOfWork

__all__ = ["SCHEMA_VERSION", "SqliteStorage", "SqliteUnitOfWork"]
