"""Reading the project config file and turning it into adapters."""

from __future__ import annotations

import sys
from pathlib import Path

from orchestron.core.config import ProjectConfig
from orchestron.core.errors import InvalidInputError
from orchestron.core.ports import Notifier
from orchestron.runtime._locate import StoreLocation
from orchestron.runtime._notifiers import FanoutNotifier, LogNotifier, WebhookNotifier

__all__ = ["build_notifier", "load_config"]


def load_config(location: StoreLocation | Path | None) -> ProjectConfig:
    """The project's config; the defaults when there is no config file.

    Accepts a StoreLocation (its `.orchestron/config.toml`) or a file path.
    A file that is not valid TOML, or holds a bad value, raises
    InvalidInputError naming the file and the line or key.
    """
    path = location.config_path if isinstance(location, StoreLocation) else location
    if path is None or not path.is_file():
        return ProjectConfig(source=str(path) if path else "")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(str(path), f"is not UTF-8 text: {exc}") from exc
    except OSError as exc:
        raise InvalidInputError(str(path), f"cannot be read: {exc.strerror or exc}") from exc
    return ProjectConfig.from_toml(text, source=str(path))


def build_notifier(config: ProjectConfig) -> Notifier | None:
    """The notifier a config asks for: none, one, or a fan-out to several."""
    targets: list[Notifier] = []
    if config.log_notifications:
        targets.append(LogNotifier(sys.stderr))
    for hook in config.webhooks:
        targets.append(
            WebhookNotifier(
                hook.url, timeout=hook.timeout, retries=hook.retries, events=hook.events
            )
        )
    if not targets:
        return None
    return targets[0] if len(targets) == 1 else FanoutNotifier(targets)
