"""Fakes for the ports and the contract suites every adapter must pass."""

from orchestron.core.testing._clock import FixedClock
from orchestron.core.testing._embedder import FakeEmbedder
from orchestron.core.testing._memory import MemoryStorage
from orchestron.core.testing._notifier import RecordingNotifier
from orchestron.core.testing._notifier_contract import (
    NotifierContract,
    NotifierHarness,
    sample_notification,
)
from orchestron.core.testing._states import task_in
from orchestron.core.testing.contract import STORAGE_CONTRACT, Check, StorageFactory

__all__ = [
    "STORAGE_CONTRACT",
    "Check",
    "FakeEmbedder",
    "FixedClock",
    "MemoryStorage",
    "NotifierContract",
    "NotifierHarness",
    "RecordingNotifier",
    "StorageFactory",
    "sample_notification",
    "task_in",
]
