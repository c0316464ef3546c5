"""Reading .orchestron/config.toml and wiring what it asks for."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestron.core import InvalidInputError, ProjectConfig, Settings, TaskStatus
from orchestron.runtime import (
    FanoutNotifier,
    LogNotifier,
    StoreLocation,
    WebhookNotifier,
    build_notifier,
    load_config,
)


def project(tmp_path: Path, text: str | None) -> StoreLocation:
    folder = tmp_path / ".orchestron"
    folder.mkdir()
    if text is not None:
        (folder / "config.toml").write_text(text, encoding="utf-8")
    return StoreLocation(kind="sqlite", path=folder / "orchestron.db", project_dir=folder)


def test_a_missing_file_means_the_defaults(tmp_path: Path) -> None:
    config = load_config(project(tmp_path, None))
    assert config.settings == Settings()
    assert build_notifier(config) is None


def test_the_file_is_read(tmp_path: Path) -> None:
    config = load_config(
        project(
            tmp_path,
            '[sessions]\nlease_seconds = 60\n[[workflow.rules]]\nfrom = "TODO"\n'
            'to = "IN_REVIEW"\nwhen = "fast_track"\n',
        )
    )
    assert config.settings.lease_seconds == 60
    assert config.rules.find(TaskStatus.TODO, "fast_track")
    assert config.source.endswith("config.toml")


def test_a_syntax_error_names_the_file_and_the_line(tmp_path: Path) -> None:
    location = project(tmp_path, "[workflow]\n\nauto_complete_parents = yes\n")
    with pytest.raises(InvalidInputError) as refused:
        load_config(location)
    assert refused.value.field == str(location.config_path)
    assert "line 3" in str(refused.value)


def test_a_bad_value_names_the_file_and_the_key(tmp_path: Path) -> None:
    location = project(tmp_path, '[[notify.webhooks]]\nurl = "hooks.example.com"\n')
    with pytest.raises(InvalidInputError) as refused:
        load_config(location)
    assert refused.value.field == "notify.webhooks[0].url"
    assert str(location.config_path) in str(refused.value)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    location = project(tmp_path, None)
    assert location.config_path is not None
    location.config_path.write_bytes(b"\xff\xfe[workflow]")
    with pytest.raises(InvalidInputError, match="UTF-8"):
        load_config(location)


def test_notifiers_follow_the_config() -> None:
    one = build_notifier(
        ProjectConfig.from_toml(
            '[[notify.webhooks]]\nurl = "http://127.0.0.1:9/a"\nevents = ["TASK_DONE"]\n'
            "timeout = 1.5\nretries = 0\n"
        )
    )
    assert isinstance(one, WebhookNotifier)
    assert (one.url, one.events, one.timeout, one.retries) == (
        "http://127.0.0.1:9/a",
        frozenset({"TASK_DONE"}),
        1.5,
        0,
    )
    many = build_notifier(
        ProjectConfig.from_toml('[notify]\nlog = true\n[[notify.webhooks]]\nurl = "http://x/"\n')
    )
    assert isinstance(many, FanoutNotifier)
    assert [type(n) for n in many.notifiers] == [LogNotifier, WebhookNotifier]
