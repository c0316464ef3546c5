"""The webhook, log and fan-out notifiers, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from webhook_server import WebhookServer

from orchestron.core import InvalidInputError
from orchestron.core.serialize import to_jsonable
from orchestron.core.testing import NotifierContract, RecordingNotifier, sample_notification
from orchestron.runtime import (
    FanoutNotifier,
    LogNotifier,
    NotifyError,
    WebhookNotifier,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def server() -> Iterator[WebhookServer]:
    with WebhookServer() as running:
        yield running


class WebhookHarness:
    def __init__(self, server: WebhookServer) -> None:
        self.server = server
        self.notifier = WebhookNotifier(server.url, timeout=2, retries=1, backoff=0)

    def received(self) -> list[dict[str, Any]]:
        return list(self.server.bodies)

    def break_target(self) -> None:
        self.server.default = 500


class TestWebhookNotifierContract(NotifierContract):
    pytestmark = pytest.mark.anyio

    @pytest.fixture
    def notifier_harness(self, server: WebhookServer) -> WebhookHarness:
        return WebhookHarness(server)


async def test_success_is_one_json_post(server: WebhookServer) -> None:
    sent = sample_notification(1)
    await WebhookNotifier(server.url).notify(sent)
    assert server.requests == [to_jsonable(sent)]
    assert server.headers[0]["Content-Type"] == "application/json"
    assert server.bodies[0]["urgency"] == "HIGH"
    assert server.bodies[0]["at"] == "2026-01-01T09:01:00+00:00"


async def test_a_500_is_retried_and_then_delivered_once(server: WebhookServer) -> None:
    server.script = [500, 503]
    await WebhookNotifier(server.url, retries=3, backoff=0.01).notify(sample_notification(1))
    assert len(server.requests) == 3
    assert len(server.bodies) == 1


async def test_it_gives_up_after_its_retries_and_raises(server: WebhookServer) -> None:
    server.default = 500
    with pytest.raises(NotifyError) as failed:
        await WebhookNotifier(server.url, retries=2, backoff=0).notify(sample_notification(1))
    assert "after 3 attempts: HTTP 500" in str(failed.value)
    assert len(server.requests) == 3


async def test_a_timeout_is_retried_then_reported(server: WebhookServer) -> None:
    server.default = "hang"
    hook = WebhookNotifier(server.url, timeout=0.2, retries=1, backoff=0)
    started = time.monotonic()
    with pytest.raises(NotifyError) as failed:
        await hook.notify(sample_notification(1))
    assert "after 2 attempts: timed out" in str(failed.value)
    assert len(server.requests) == 2
    assert time.monotonic() - started < 5  # bounded by timeout x attempts, not by the server


async def test_a_slow_answer_then_success_is_delivered(server: WebhookServer) -> None:
    server.script = ["hang"]
    await WebhookNotifier(server.url, timeout=0.2, retries=1, backoff=0).notify(
        sample_notification(1)
    )
    assert len(server.bodies) == 1


async def test_a_client_error_is_not_retried(server: WebhookServer) -> None:
    server.default = 404
    with pytest.raises(NotifyError) as failed:
        await WebhookNotifier(server.url, retries=3, backoff=0).notify(sample_notification(1))
    assert "after 1 attempt: HTTP 404" in str(failed.value)
    assert len(server.requests) == 1


async def test_a_refused_connection_raises() -> None:
    closed = WebhookServer()
    url = closed.url
    closed._server.server_close()  # nothing listens on that port any more
    with pytest.raises(NotifyError):
        await WebhookNotifier(url, retries=1, backoff=0, timeout=1).notify(sample_notification(1))


async def test_a_webhook_sends_only_the_kinds_it_subscribed_to(server: WebhookServer) -> None:
    hook = WebhookNotifier(server.url, events=["TASK_DONE"])
    await hook.notify(sample_notification(1))  # INTERVENTION_NEEDED: not wanted
    await hook.notify(sample_notification(2, kind="TASK_DONE"))
    assert [b["kind"] for b in server.requests] == ["TASK_DONE"]


def test_a_webhook_needs_an_http_url() -> None:
    with pytest.raises(InvalidInputError, match="http"):
        WebhookNotifier("file:///etc/passwd")


async def test_the_log_notifier_writes_one_line_each() -> None:
    out = io.StringIO()
    log = LogNotifier(out)
    await log.notify(sample_notification(1, text="Which\ndatabase?"))
    await log.notify(sample_notification(2))
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0] == (
        "orchestron [HIGH] INTERVENTION_NEEDED TASK-001 claude-1 needs help on TASK-001: "
        "Which database?"
    )


async def test_the_log_notifier_can_use_a_logger(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="orchestron.notify"):
        await LogNotifier(logger=logging.getLogger("orchestron.notify")).notify(
            sample_notification(1)
        )
    assert [r.levelno for r in caplog.records] == [logging.WARNING]  # HIGH urgency


async def test_fanout_sends_to_all_and_reports_the_one_that_failed(server: WebhookServer) -> None:
    good = RecordingNotifier()
    bad = RecordingNotifier(fail_with=ConnectionError("chat is down"))
    fan = FanoutNotifier([bad, good, WebhookNotifier(server.url)])
    with pytest.raises(NotifyError, match="chat is down"):
        await fan.notify(sample_notification(1))
    assert len(good.sent) == 1
    assert len(server.bodies) == 1
