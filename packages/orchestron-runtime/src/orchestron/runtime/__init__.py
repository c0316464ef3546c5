"""Orchestron's composition root: every door opens a project through here."""

from orchestron.runtime._clock import SystemClock
from orchestron.runtime._copy import CopyReport, copy_store, snapshot
from orchestron.runtime._locate import (
    DB_FILE,
    PROJECT_DIR,
    StoreLocation,
    find_project_dir,
    locate_store,
)
from orchestron.runtime._open import open_orchestron, open_storage

__all__ = [
    "DB_FILE",
    "PROJECT_DIR",
    "CopyReport",
    "StoreLocation",
    "SystemClock",
    "copy_store",
    "find_project_dir",
    "locate_store",
    "open_orchestron",
    "open_storage",
    "snapshot",
]
