"""Orchestron's composition root: every door opens a project through here."""

from orchestron.runtime._clock import SystemClock
from orchestron.runtime._config import build_notifier, load_config
from orchestron.runtime._copy import CopyReport, copy_store, snapshot
from orchestron.runtime._embedder import EMBEDDER_ENV, default_embedder
from orchestron.runtime._live import EventWaker
from orchestron.runtime._locate import (
    DB_FILE,
    PROJECT_DIR,
    StoreLocation,
    find_project_dir,
    locate_store,
)
from orchestron.runtime._notifiers import (
    FanoutNotifier,
    LogNotifier,
    NotifyError,
    WebhookNotifier,
    format_notification,
    notification_payload,
)
from orchestron.runtime._open import open_orchestron, open_storage

__all__ = [
    "DB_FILE",
    "EMBEDDER_ENV",
    "PROJECT_DIR",
    "CopyReport",
    "EventWaker",
    "FanoutNotifier",
    "LogNotifier",
    "NotifyError",
    "StoreLocation",
    "SystemClock",
    "WebhookNotifier",
    "build_notifier",
    "copy_store",
    "default_embedder",
    "find_project_dir",
    "format_notification",
    "load_config",
    "locate_store",
    "notification_payload",
    "open_orchestron",
    "open_storage",
    "snapshot",
]
