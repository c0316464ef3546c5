"""Notifier adapters: a log line, a webhook (JSON POST), several at once.

A notifier raises when it could not deliver: the outbox then keeps the item
and tries again later, so raising is how an adapter says "not sent".
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TextIO

import anyio

from orchestron.core.domain.human import Notification
from orchestron.core.errors import InvalidInputError, OrchestronError
from orchestron.core.ports import Notifier
from orchestron.core.serialize import to_jsonable

__all__ = [
    "FanoutNotifier",
    "LogNotifier",
    "NotifyError",
    "WebhookNotifier",
    "format_notification",
    "notification_payload",
]

# Answers worth another try: the server is down or busy, not our request wrong.
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


class NotifyError(OrchestronError):
    """A notification could not be delivered; the outbox keeps it for a later try."""


def notification_payload(notification: Notification) -> dict[str, object]:
    """The JSON body a webhook receives (documented in docs/human-channel.md)."""
    data: dict[str, object] = to_jsonable(notification)
    return data


def format_notification(notification: Notification) -> str:
    """One line: urgency, kind, task, title and the start of the text."""
    task = f" {notification.task_id}" if notification.task_id else ""
    text = " ".join(notification.text.split())
    if len(text) > 200:
        text = text[:199] + "…"
    tail = f": {text}" if text else ""
    return (
        f"orchestron [{notification.urgency.value}] {notification.kind}{task} "
        f"{notification.title}{tail}"
    )


class LogNotifier:
    """Writes one line per notification to a logger, or else to a stream (stderr)."""

    def __init__(self, stream: TextIO | None = None, *, logger: logging.Logger | None = None):
        self.stream = stream
        self.logger = logger

    async def notify(self, notification: Notification) -> None:
        line = format_notification(notification)
        if self.logger is not None:
            level = logging.WARNING if notification.urgency.rank <= 1 else logging.INFO
            self.logger.log(level, line)
            return
        stream = self.stream or sys.stderr
        stream.write(line + "\n")
        stream.flush()


class WebhookNotifier:
    """POSTs each notification as JSON to `url`.

    A 5xx answer, 408/429, a timeout or a refused connection is retried
    `retries` times, waiting `backoff`, then twice that, and so on; after that,
    or on any other answer outside 2xx, it raises NotifyError. urllib runs in a
    worker thread so the event loop never waits on the network.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 5.0,
        retries: int = 3,
        backoff: float = 0.5,
        events: Iterable[str] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if not url.lower().startswith(("http://", "https://")):
            raise InvalidInputError(
                "url", f"a webhook needs an http:// or https:// URL, not {url!r}"
            )
        if timeout <= 0 or retries < 0 or backoff < 0:
            raise InvalidInputError("timeout", "timeout must be positive, retries and backoff >= 0")
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.events = frozenset(events)
        self.headers = {"Content-Type": "application/json", "User-Agent": "orchestron"}
        self.headers.update(headers or {})

    async def notify(self, notification: Notification) -> None:
        if self.events and notification.kind not in self.events:
            return  # not a kind this webhook asked for: nothing to send
        body = json.dumps(notification_payload(notification)).encode()
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                await anyio.sleep(self.backoff * (1 << (attempt - 1)))
            try:
                from anyio import to_thread  # only a configured webhook pays for this

                status = await to_thread.run_sync(self._post, body, abandon_on_cancel=True)
            except OSError as exc:  # timeouts, refused connections, DNS: worth a retry
                problem = _describe(exc)
                continue
            if 200 <= status < 300:
                return
            problem = f"HTTP {status}"
            if status not in _RETRY_STATUS:
                break
        tries = attempt + 1
        raise NotifyError(
            f"webhook {self.url} failed after {tries} attempt{'s' if tries > 1 else ''}: {problem}"
        )

    def _post(self, body: bytes) -> int:
        import urllib.error
        import urllib.request

        request = urllib.request.Request(self.url, data=body, headers=self.headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read(65536)
                status: int = response.status
                return status
        except urllib.error.HTTPError as exc:  # a non-2xx answer is a status, not a failure
            exc.close()
            return exc.code


def _describe(exc: OSError) -> str:
    import urllib.error

    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return "timed out"
    return str(reason) or type(reason).__name__


class FanoutNotifier:
    """Sends to every notifier; raises if any failed, after trying them all.

    A retry then goes to all of them again, so a working target may see a
    notification twice when another one was down: delivery is at least once.
    """

    def __init__(self, notifiers: Sequence[Notifier]) -> None:
        self.notifiers = list(notifiers)

    async def notify(self, notification: Notification) -> None:
        problems: list[str] = []
        for notifier in self.notifiers:
            try:
                await notifier.notify(notification)
            except Exception as exc:  # noqa: BLE001 (one target failing must not stop the others)
                problems.append(str(exc) or type(exc).__name__)
        if problems:
            raise NotifyError("; ".join(problems))
