"""PostgreSQL adapter tests: each gets a fresh database on the session's real server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from orchestron.postgres import PostgresStorage


@pytest.fixture
async def pg_storage(pg_url: str) -> AsyncIterator[PostgresStorage]:
    storage = await PostgresStorage.open(pg_url)
    try:
        yield storage
    finally:
        await storage.close()
