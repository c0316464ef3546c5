"""The hooks' lean SQLite path agrees with the core on the same file.

The per-prompt hooks read and write the SQLite file without the core, for
speed; these tests hold them to the core's answers, so a schema change that
the lean path does not follow fails here rather than in someone's session.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from claude_support import SID, Project

from orchestron.cli._hook_config import find_store, load_settings
from orchestron.cli._hook_store import SCHEMA_VERSION, LeanStore, utc_text
from orchestron.core import Orchestron
from orchestron.runtime import locate_store

AGENT = "claude-0f1e2d"
OTHER = "11111111-aaaa-bbbb-cccc-222222222222"


async def _scene(orch: Orchestron) -> None:
    """Messages addressed every way a message can be: session, agent, task, someone else."""
    mine = await orch.create_task("Mine")
    free = await orch.create_task("Nobody's yet")
    theirs = await orch.create_task("Theirs")
    me = orch.acting_as(AGENT)
    await me.start_session(AGENT, session_id=SID)
    await me.claim(mine.id, SID)
    other = orch.acting_as("claude-other")
    await other.start_session("claude-other", session_id=OTHER)
    await other.claim(theirs.id, OTHER)
    await orch.intervene(mine.id, "to my session")
    await orch.intervene(free.id, "to whoever takes the free task")
    await orch.intervene(theirs.id, "to the other session")
    await orch.pause(theirs.id, "their pause")
    await me.release(mine.id, SID)  # now addressed by agent, through the assignee...
    await orch.intervene(mine.id, "after release")
    await me.claim(mine.id, SID)
    # Said to a session that then ended unread: it follows the task to its next holder.
    handed = await orch.create_task("Handed on")
    gone = orch.acting_as("claude-gone")
    await gone.start_session("claude-gone", session_id="gone-session")
    await gone.claim(handed.id, "gone-session")
    await orch.intervene(handed.id, "to the session that left")
    await gone.prepare_handoff("gone-session")
    await gone.end_session("gone-session")
    # The session holds `mine`, so taking the handed-on task is asking for another.
    taken = await me.pick_next(SID, another=True)
    assert taken is not None and taken.kind == "handoff" and taken.task.id == handed.id


def test_the_schema_version_is_the_adapters() -> None:
    schema = pytest.importorskip("orchestron.sqlite._schema")
    assert schema.SCHEMA_VERSION == SCHEMA_VERSION


def test_lean_peek_is_the_cores_peek(project: Project) -> None:
    project.act(_scene)
    for sid in (SID, OTHER, "never-seen"):
        core = project.act(lambda o, s=sid: o.peek_messages(s))  # type: ignore[misc]
        store = LeanStore.open(str(project.db))
        assert store is not None
        try:
            lean = store.undelivered(sid)
        finally:
            store.close()
        assert [m["id"] for m in lean] == [m.id for m in core], sid
        assert [m["text"] for m in lean] == [m.text for m in core]
        assert [m["kind"] for m in lean] == [m.kind.value for m in core]
        if sid == SID:
            assert "to the session that left" in [m["text"] for m in lean]


def test_lean_take_is_read_back_by_the_core(project: Project) -> None:
    project.act(_scene)
    expected = [m.id for m in project.act(lambda o: o.peek_messages(SID))]
    store = LeanStore.open(str(project.db))
    assert store is not None
    try:
        taken = store.take(SID, "hook", actor=AGENT)
        assert [m["id"] for m in taken] == expected
        assert store.take(SID, "hook") == []
    finally:
        store.close()
    assert project.act(lambda o: o.peek_messages(SID)) == []
    assert project.act(lambda o: o.take_messages(SID)) == []
    delivered = [
        m
        for task in ("TASK-001", "TASK-002")
        for m in project.act(lambda o, t=task: o.messages_for(t))  # type: ignore[misc]
        if m.id in expected
    ]
    assert {(m.delivered_to, m.delivered_via) for m in delivered} == {(SID, "hook")}
    event = project.act(lambda o: o.events(kinds=["messages.delivered"]))[-1]
    assert (event.actor, event.entity, event.data) == (
        AGENT,
        SID,
        {"messages": expected, "via": "hook"},
    )
    assert event.at.tzinfo is not None


def test_lean_stops_are_the_paused_and_blocked_tasks_the_session_holds(project: Project) -> None:
    project.act(_scene)
    store = LeanStore.open(str(project.db))
    assert store is not None
    try:
        assert store.stops(SID) == []
        stops = store.stops(OTHER)
        assert [(s.task_id, s.status, s.reason, s.by) for s in stops] == [
            ("TASK-003", "PAUSED", "their pause", "human:ann")
        ]
    finally:
        store.close()


def test_a_lease_is_renewed_once_half_of_it_has_run(project: Project) -> None:
    project.act(_scene)
    project.config("[sessions]\nlease_seconds = 60\n")
    lease = load_settings(str(project.root / ".orchestron" / "config.toml")).lease_seconds
    assert lease == 60
    store = LeanStore.open(str(project.db))
    assert store is not None
    try:
        soon = utc_text(datetime.now(UTC) + timedelta(seconds=20))
        store.conn.execute("UPDATE sessions SET lease_expires = ? WHERE id = ?", [soon, SID])
        assert store.renew_lease(SID, lease) is True
        assert store.renew_lease(SID, lease) is False  # plenty left now
        lapsed = utc_text(datetime.now(UTC) - timedelta(seconds=1))
        store.conn.execute("UPDATE sessions SET lease_expires = ? WHERE id = ?", [lapsed, OTHER])
        assert store.renew_lease(OTHER, lease) is False  # lapsed: the core reaps it
        assert store.renew_lease("never-seen", lease) is False
    finally:
        store.close()
    session = project.act(lambda o: o.get_session(SID))
    left = (session.lease_expires - datetime.now(UTC)).total_seconds()
    assert 50 < left <= 60
    assert project.act(lambda o: o.get_session(OTHER)).status.value == "ABANDONED"


def test_a_file_of_another_schema_is_refused(tmp_path: Path) -> None:
    from orchestron.cli._hook_store import Unsupported

    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(Unsupported):
        LeanStore.open(str(path))
    assert LeanStore.open(str(tmp_path / "missing.db")) is None


@pytest.mark.parametrize(
    "spec",
    [None, "board.db", "sqlite://board.db", "data", "~/x.db", "/abs/where/orchestron.db"],
)
def test_find_store_agrees_with_the_runtime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spec: str | None
) -> None:
    root = tmp_path / "repo"
    inner = root / "src" / "pkg"
    inner.mkdir(parents=True)
    (root / ".orchestron").mkdir()
    (inner / "data").mkdir()
    env = {"ORCHESTRON_DB": spec} if spec else {}
    monkeypatch.delenv("ORCHESTRON_DB", raising=False)
    spot = find_store(str(inner), env)
    expected = locate_store(spec, cwd=inner, env={})
    assert spot is not None
    assert Path(spot.path) == expected.path
    assert Path(spot.project_dir) == expected.project_dir


def test_find_store_hands_a_server_url_to_the_core(tmp_path: Path) -> None:
    spot = find_store(str(tmp_path), {"ORCHESTRON_DB": "postgresql://u@h/db"})
    assert spot is not None
    assert (spot.url, spot.path) == ("postgresql://u@h/db", "")
    assert find_store(str(tmp_path), {}) is None


def test_the_default_configs_hooks_section_is_understood(tmp_path: Path) -> None:
    import re

    from orchestron.core.config import DEFAULT_CONFIG_TOML

    setting = re.compile(r"^# (\[|[a-z_]+ = )")
    lines = [ln[2:] if setting.match(ln) else ln for ln in DEFAULT_CONFIG_TOML.splitlines()]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    settings = load_settings(str(path))
    assert settings.problems == []
    assert settings.enabled["PreToolUse"] is True
    assert settings.denies("Bash") and not settings.denies("Read")
    untouched = tmp_path / "plain.toml"
    untouched.write_text(DEFAULT_CONFIG_TOML, encoding="utf-8")
    assert load_settings(str(untouched)).deny_tools == load_settings("").deny_tools
