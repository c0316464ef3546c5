"""An Orchestron MCP server over a fresh store, and an Orchestron beside it to check the store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from attrs import define, evolve
from mcp_helpers import HAS_SQLITE

from orchestron.core import Orchestron
from orchestron.core.testing import FixedClock, MemoryStorage
from orchestron.mcp import OrchestronServer, ServerOptions, create_server

BACKINGS = ["sqlite"] if HAS_SQLITE else ["memory"]


@define
class Env:
    """`server()` builds a server on the store; `orch` reads and seeds the same store."""

    options: ServerOptions
    orch: Orchestron
    db: Path | None = None

    def server(self, **overrides: Any) -> OrchestronServer:
        return create_server(evolve(self.options, **overrides))


@pytest.fixture(params=BACKINGS)
async def env(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Env]:
    if request.param == "memory":
        storage = MemoryStorage()
        clock = FixedClock()

        @asynccontextmanager
        async def opener() -> AsyncIterator[Orchestron]:
            yield Orchestron(storage, clock, actor="orchestron-mcp")

        yield Env(ServerOptions(opener=opener), Orchestron(storage, clock, actor="test"))
        return
    from orchestron.runtime import open_orchestron

    db = tmp_path / "orchestron.db"
    async with open_orchestron(str(db), actor="test", create=True) as orch:
        yield Env(ServerOptions(db=str(db)), orch, db)
