"""The recording fake passes the same Notifier contract as the real adapters."""

from __future__ import annotations

from typing import Any

import pytest

from orchestron.core.serialize import to_jsonable
from orchestron.core.testing import NotifierContract, RecordingNotifier


class FakeHarness:
    def __init__(self) -> None:
        self.notifier = RecordingNotifier()

    def received(self) -> list[dict[str, Any]]:
        return [to_jsonable(n) for n in self.notifier.sent]

    def break_target(self) -> None:
        self.notifier.fail_with = ConnectionError("target down")


class TestRecordingNotifier(NotifierContract):
    pytestmark = pytest.mark.anyio

    @pytest.fixture
    def notifier_harness(self) -> FakeHarness:
        return FakeHarness()
