"""open_orchestron applies the project's config: settings, rules and notifiers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from webhook_server import WebhookServer

from orchestron.core import InvalidInputError, TaskStatus
from orchestron.runtime import open_orchestron

try:
    from orchestron.sqlite import SqliteStorage  # type: ignore[attr-defined,unused-ignore]
except ImportError:
    SqliteStorage = None

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(SqliteStorage is None, reason="needs orchestron.sqlite.SqliteStorage"),
]


@pytest.fixture
def server() -> Iterator[WebhookServer]:
    with WebhookServer() as running:
        yield running


def write_config(tmp_path: Path, text: str) -> None:
    folder = tmp_path / ".orchestron"
    folder.mkdir(exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")


async def test_open_orchestron_uses_the_projects_settings_rules_and_webhook(
    tmp_path: Path, server: WebhookServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ORCHESTRON_DB", raising=False)
    write_config(
        tmp_path,
        f"""
        [sessions]
        lease_seconds = 90
        [[workflow.rules]]
        from = "TODO"
        to = "IN_REVIEW"
        when = "fast_track"
        [[notify.webhooks]]
        url = "{server.url}"
        events = ["CLARIFICATION_REQUESTED"]
        """,
    )
    async with open_orchestron(cwd=tmp_path, create=True, actor="human:alice") as app:
        assert app.settings.lease_seconds == 90
        task = await app.create_task("Typo")
        await app.request_clarification(task.id, "Which file?", blocking=False)
        assert (await app.transition(task.id, "fast_track")).status is TaskStatus.IN_REVIEW
    assert [b["kind"] for b in server.bodies] == ["CLARIFICATION_REQUESTED"]


async def test_a_bad_config_stops_open_before_the_store_is_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ORCHESTRON_DB", raising=False)
    write_config(tmp_path, "[workflow]\nreplace_rule = true\n")
    with pytest.raises(InvalidInputError) as refused:
        async with open_orchestron(cwd=tmp_path, create=True):
            pass
    assert refused.value.field == "workflow.replace_rule"
    assert not (tmp_path / ".orchestron" / "orchestron.db").exists()
