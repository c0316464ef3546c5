"""Shared fixtures: the anyio backend and an Orchestron over each store."""

from __future__ import annotations

import pytest

# Before anything imports it: the contract checks live in the core package, and
# their plain asserts should fail with the values compared, as in a test module.
pytest.register_assert_rewrite("orchestron.core.testing")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
