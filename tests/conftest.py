"""Shared fixtures: the anyio backend and an Orchestron over each store."""

from __future__ import annotations

import pytest

# The real-PostgreSQL fixtures (pg_server, pg_url) live in tests/pg_fixture.py.
pytest_plugins = ["pg_fixture"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
