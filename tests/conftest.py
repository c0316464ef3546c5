"""Shared fixtures: the anyio backend and an Orchestron over each store."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
