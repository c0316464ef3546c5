"""Orchestron's composition root: every door opens a project through here.

Names load on first use (PEP 562), so that `orchestron.runtime._project`, the
project discovery, can be imported without the core behind the rest of this
package, and each door loads only what it uses.
"""

TYPE_CHECKING = False  # not `from typing`: this module is imported by every door

if TYPE_CHECKING:
    from orchestron.runtime._actor import agent_for_session, agent_id_for, person_actor
    from orchestron.runtime._clock import SystemClock
    from orchestron.runtime._config import build_notifier, load_config
    from orchestron.runtime._embedder import EMBEDDER_ENV, default_embedder, words_only_reason
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
    from orchestron.runtime._hook_settings import DEFAULT_DENY_TOOLS, HookSettings, hook_settings
    from orchestron.runtime._hook_start import format_start
    from orchestron.runtime._hook_text import deny_reason, message_block
    from orchestron.runtime._hooks import (
        PER_CALL_EVENTS,
        acting_for_session,
        answer_hook,
        project_hook_settings,
    )
    from orchestron.runtime._install import install_hint
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
    from orchestron.runtime._transfer import (
        Contents,
        CopyReport,
        NotEmptyError,
        amount,
        copy_store,
        holdings,
        read_contents,
        snapshot,
        write_contents,
    )

__all__ = [
    "DB_FILE",
    "DEFAULT_DENY_TOOLS",
    "EMBEDDER_ENV",
    "LOOPBACK_NAMES",
    "MIN_TOKEN_LENGTH",
    "PER_CALL_EVENTS",
    "PROJECT_DIR",
    "Contents",
    "CopyReport",
    "EventWaker",
    "FanoutNotifier",
    "GuardMiddleware",
    "HookSettings",
    "InsecureBindError",
    "LogNotifier",
    "NotEmptyError",
    "NotifyError",
    "RequestGuard",
    "StoreLocation",
    "SystemClock",
    "WebhookNotifier",
    "acting_for_session",
    "agent_for_session",
    "agent_id_for",
    "amount",
    "answer_hook",
    "build_notifier",
    "check_bind",
    "check_token",
    "copy_store",
    "default_embedder",
    "deny_reason",
    "find_project_dir",
    "format_notification",
    "format_start",
    "holdings",
    "hook_settings",
    "install_hint",
    "is_loopback",
    "load_config",
    "locate_store",
    "message_block",
    "notification_payload",
    "open_orchestron",
    "open_storage",
    "person_actor",
    "project_hook_settings",
    "read_contents",
    "snapshot",
    "tokens_match",
    "words_only_reason",
    "write_contents",
    "write_file",
]

_HOME = {
    "agent_for_session": "_actor",
    "agent_id_for": "_actor",
    "DEFAULT_DENY_TOOLS": "_hook_settings",
    "HookSettings": "_hook_settings",
    "hook_settings": "_hook_settings",
    "format_start": "_hook_start",
    "deny_reason": "_hook_text",
    "message_block": "_hook_text",
    "PER_CALL_EVENTS": "_hooks",
    "answer_hook": "_hooks",
    "acting_for_session": "_hooks",
    "project_hook_settings": "_hooks",
    "write_file": "_files",
    "LOOPBACK_NAMES": "_guard",
    "MIN_TOKEN_LENGTH": "_guard",
    "GuardMiddleware": "_guard",
    "InsecureBindError": "_guard",
    "RequestGuard": "_guard",
    "check_bind": "_guard",
    "check_token": "_guard",
    "is_loopback": "_guard",
    "tokens_match": "_guard",
    "DB_FILE": "_locate",
    "PROJECT_DIR": "_locate",
    "Contents": "_transfer",
    "CopyReport": "_transfer",
    "NotEmptyError": "_transfer",
    "amount": "_transfer",
    "holdings": "_transfer",
    "read_contents": "_transfer",
    "write_contents": "_transfer",
    "EMBEDDER_ENV": "_embedder",
    "default_embedder": "_embedder",
    "words_only_reason": "_embedder",
    "EventWaker": "_live",
    "FanoutNotifier": "_notifiers",
    "LogNotifier": "_notifiers",
    "NotifyError": "_notifiers",
    "StoreLocation": "_locate",
    "SystemClock": "_clock",
    "WebhookNotifier": "_notifiers",
    "build_notifier": "_config",
    "copy_store": "_transfer",
    "find_project_dir": "_locate",
    "format_notification": "_notifiers",
    "install_hint": "_install",
    "load_config": "_config",
    "locate_store": "_locate",
    "notification_payload": "_notifiers",
    "open_orchestron": "_open",
    "open_storage": "_open",
    "person_actor": "_actor",
    "snapshot": "_transfer",
}


def __getattr__(name: str) -> object:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'orchestron.runtime' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"orchestron.runtime.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
