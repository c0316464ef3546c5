"""Fixtures for the memory tests: an Orchestron on the fake and on SQLite (when present)."""

from __future__ import annotations

from typing import Any

import pytest

from orchestron.core import Orchestron
from orchestron.core.testing import FixedClock, RecordingNotifier


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
async def app(storage_factory: Any, clock: FixedClock, notifier: RecordingNotifier) -> Orchestron:
    return Orchestron(await storage_factory(), clock, notifier, actor="human:alice")
