from __future__ import annotations

import pytest

from orchestron.core import Orchestron
from orchestron.core.testing import FixedClock, MemoryStorage


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def orch(clock: FixedClock) -> Orchestron:
    return Orchestron(MemoryStorage(), clock, actor="human:test")
