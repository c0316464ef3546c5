"""An Orchestron MCP server over a fresh store, and an Orchestron beside it to check the store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from attrs import define, evolve

from orchestron.core import Orchestron
from orchestron.mcp import OrchestronServer, ServerOptions, create_server
from orchestron.runtime import open_orchestron


@define
class Env:
    """`server()` builds a server on the store; `orch` reads and seeds the same store."""

    options: ServerOptions
    orch: Orchestron
    db: Path | None = None

    def server(self, **overrides: Any) -> OrchestronServer:
        return create_server(evolve(self.options, **overrides))


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    """A fresh SQLite project, the real store every process shares."""
    db = tmp_path / "orchestron.db"
    async with open_orchestron(str(db), actor="test", create=True) as orch:
        yield Env(ServerOptions(db=str(db)), orch, db)
