"""Orchestron's composition root: every door opens a project through here."""

from orchestron.runtime._clock import SystemClock
from orchestron.runtime._config import build_notifier, load_config
from orchestron.runtime._copy import CopyReport, copy_store, snapshot
from orchestron.runtime._files import write_file
from orchestron.runtime._guard import (
    LOOPBACK_NAMES,
    MIN_TOKEN_LENGTH,
    GuardMiddleware,
    InsecureBindError,
    RequestGuard,
    check_bind,
    check_token,
    is_loopback,
    tokens_match,
)
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
    "LOOPBACK_NAMES",
    "MIN_TOKEN_LENGTH",
    "PROJECT_DIR",
    "CopyReport",
    "EventWaker",
    "FanoutNotifier",
    "GuardMiddleware",
    "InsecureBindError",
    "LogNotifier",
    "NotifyError",
    "RequestGuard",
    "StoreLocation",
    "SystemClock",
    "WebhookNotifier",
    "build_notifier",
    "check_bind",
    "check_token",
    "copy_store",
    "find_project_dir",
    "format_notification",
    "is_loopback",
    "load_config",
    "locate_store",
    "notification_payload",
    "open_orchestron",
    "open_storage",
    "snapshot",
    "tokens_match",
    "write_file",
]
