"""What an attack on the CLI found (issue 18), each through the installed `orchestron` command.

Every case: a clear error naming what was wrong, no "a bug in Orchestron", no
traceback, and the project exactly as it was (its export before and after).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_harness import Cli

HUGE = "9" * 5000  # past Python's 4,300-digit limit for int()
BIG = str(2**63)  # past SQLite's INTEGER


def _clean(text: str) -> None:
    assert "a bug in" not in text, text
    assert "Traceback" not in text, text
    assert "OverflowError" not in text and "ValueError" not in text, text
    assert len(text) < 2000, f"the error echoes the input ({len(text)} characters)"


@pytest.fixture
def project(cli: Cli) -> Iterator[Cli]:
    cli("task", "add", "Schema", "-c", "draft")
    cli("task", "add", "API", "--depends-on", "TASK-001")
    before = cli("export")
    yield cli
    assert cli("export") == before, "a refused command changed the project"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("task", "show", HUGE), ("TASK_ID", "at most 64")),
        (("task", "show", f"TASK-{HUGE}"), ("TASK_ID", "at most 64")),
        (("task", "show", "TASK-" + "9" * 30), ("out of range",)),
        (("task", "list", "--after", f"TASK-{BIG}"), ("--after", "out of range")),
        (("task", "list", "--after", f"TASK-{HUGE}"), ("--after", "at most 64")),
        (("task", "list", "-n", BIG), ("--limit", "whole number from 0")),
        (("task", "list", "-n", HUGE), ("--limit", "whole number")),
        (("events", "--after", BIG), ("--after", "whole number")),
        (("events", "-n", HUGE), ("--limit",)),
        (("next", "-n", BIG), ("--count",)),
        (("stats", "--days", BIG), ("--days",)),
        (("forecast", "--trials", HUGE), ("--trials",)),
        (("inbox", "-n", BIG), ("--limit",)),
        (("session", "list", "-n", BIG), ("--limit",)),
        (("handoff", "list", "-n", HUGE), ("--limit",)),
        (("memory", "list", "-n", BIG), ("--limit",)),
        (("memory", "list", "--after", f"MEM-{BIG}"), ("out of range",)),
        (("checkpoint", "done", "TASK-001", HUGE), ("checkpoint",)),
        (("checkpoint", "done", "TASK-001", BIG), ("checkpoint",)),
        (("task", "edit", "TASK-001", "--version", BIG), ("--version",)),
        (("task", "edit", "TASK-001", "--progress", HUGE), ("--progress",)),
        (("task", "dep", "add", "TASK-002", f"TASK-{BIG}"), ("out of range",)),
        (("sprint", "show", f"SPRINT-{BIG}"), ("out of range",)),
    ],
    ids=lambda v: " ".join(v)[:40] if isinstance(v, tuple) else None,
)
def test_big_numbers_and_ids_get_a_clear_error(
    project: Cli, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    done = project.run(*args)
    assert done.returncode in (1, 2), done
    err = done.stderr
    _clean(err)
    for word in words:
        assert word in err, err


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN", "1e400"])
def test_nan_and_infinity_are_refused(project: Cli, value: str) -> None:
    for args in (("task", "add", "x", "-e", value), ("task", "edit", "TASK-001", "-e", value)):
        err = project.fails(*args, code=2)  # a bad value on the command line: a usage error
        _clean(err)
        assert "--estimate" in err and "finite" in err, err


def test_stats_never_shows_nan(cli: Cli) -> None:
    cli("task", "add", "Estimated", "-e", "3")
    out = cli("stats")
    assert "nan" not in out.lower()


ESCAPES = {
    "title": "\x1b]0;pwned\x07",  # OSC 0: retitle the window
    "clear": "\x1b[2J",  # CSI: clear the screen
    "clip": "\x1b]52;c;cHduZWQ=\x07",  # OSC 52: set the clipboard
    "link": "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "c1": "\x9b31m",  # an 8-bit CSI
    "bidi": "\u202egnp.exe",  # right-to-left override
}


def _no_raw_control(text: str) -> None:
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in text, repr(text)


def test_agents_text_reaches_the_terminal_harmless(cli: Cli) -> None:
    """Titles, questions and events holding escape sequences: shown, never acted on."""
    import anyio
    from cli_harness import open_project

    evil = " ".join(ESCAPES.values())

    async def agent(orch: object) -> None:
        await orch.create_task(f"Build {evil}")  # type: ignore[attr-defined]
        await orch.request_clarification("TASK-001", f"Which DB? {evil}")  # type: ignore[attr-defined]

    async def go() -> None:
        async with open_project(cli, actor="claude-1") as orch:
            await agent(orch)

    anyio.run(go)
    outputs = {
        "task list": cli("task", "list"),
        "task show": cli("task", "show", "TASK-001"),
        "inbox": cli("inbox"),
        "events": cli("events"),
        "watch --once": cli("watch", "--once"),
        "task list --json": cli("task", "list", "--json"),
    }
    for name, out in outputs.items():
        _no_raw_control(out)
        assert name == "watch --once" or "\\x1b]0;pwned" in out or "\\u001b]0;pwned" in out, name
    # JSON output stays the same text for a program that reads it.
    listed = json.loads(outputs["task list --json"])
    assert listed["tasks"][0]["title"] == f"Build {evil}"


def test_watch_view_on_a_terminal_is_harmless(cli: Cli) -> None:
    """The live view (rich, on a tty): run under `script` so stdout is a terminal."""
    script = shutil.which("script")
    if script is None:
        pytest.skip("util-linux `script` is not installed")
    cli("task", "add", "Plain [link=http://evil.example/]x[/link] " + ESCAPES["title"])
    cli("task", "start", "TASK-001")
    command = f"{cli.exe} watch --once; {cli.exe} task list"
    done = subprocess.run(
        [script, "-qec", command, "/dev/null"],
        cwd=cli.cwd,
        env={**cli.env, "TERM": "xterm", "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "\x1b]0;pwned" not in done.stdout and "\x1b]8;" not in done.stdout
    assert "\\x1b]0;pwned" in done.stdout


def test_export_to_a_missing_folder_says_so(project: Cli) -> None:
    err = project.fails("export", "-o", "/no/such/dir/f.json", code=2)
    _clean(err)
    assert "--output" in err and "/no/such/dir" in err and "does not exist" in err
    assert not Path("/no/such/dir").exists()


def _with_a_file_size_limit(cli: Cli, *args: str) -> subprocess.CompletedProcess[str]:
    """`orchestron ARGS` under `ulimit -f 64`: 32 KB per file, so a big write fails halfway."""
    return subprocess.run(
        ["sh", "-c", 'ulimit -f 64 && exec "$@"', "sh", cli.exe, *args],
        cwd=cli.cwd,
        env=cli.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_failed_export_leaves_the_earlier_backup_whole(cli: Cli) -> None:
    """`ulimit -f` cuts the write short: the backup keeps its earlier content."""
    for i in range(4):
        cli("task", "add", f"Big {i}", "-d", "x" * 15_000)
    backup = cli.cwd / "backup.json"
    cli("export", "-o", str(backup))
    earlier = backup.read_bytes()
    cli("task", "add", "One more", "-d", "y" * 15_000)
    # 64 blocks of 512 bytes: the project's files stay readable, the new export cannot fit.
    done = _with_a_file_size_limit(cli, "export", "-o", str(backup))
    assert done.returncode == 1, done
    _clean(done.stderr)
    assert "size limit" in done.stderr and "left as it was" in done.stderr
    assert backup.read_bytes() == earlier
    json.loads(earlier)
    assert [p.name for p in cli.cwd.iterdir() if p.name.startswith(".backup")] == []


def test_export_keeps_the_files_permissions(cli: Cli) -> None:
    backup = cli.cwd / "backup.json"
    backup.write_text("old")
    backup.chmod(0o600)
    cli("export", "-o", str(backup))
    assert backup.stat().st_mode & 0o777 == 0o600
    json.loads(backup.read_text())


def _without_root_powers(cli: Cli, *args: str) -> subprocess.CompletedProcess[str]:
    """Run as this user without CAP_DAC_OVERRIDE: file modes bind even root (CI runs as root)."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("util-linux `setpriv` is not installed")
    drop = "-dac_override,-dac_read_search"
    return subprocess.run(
        [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", "--", cli.exe, *args],
        cwd=cli.cwd,
        env=cli.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_reads_work_in_a_read_only_folder(cli: Cli) -> None:
    cli("task", "add", "Readable")
    before = cli("export")
    folder = cli.db.parent
    modes = {p: p.stat().st_mode for p in [folder, *folder.iterdir()]}
    for path in modes:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        listed = _without_root_powers(cli, "task", "list")
        assert listed.returncode == 0, listed.stderr
        assert "Readable" in listed.stdout
        exported = _without_root_powers(cli, "export")
        assert exported.returncode == 0 and exported.stdout == before, exported.stderr
        wrote = _without_root_powers(cli, "task", "add", "Not allowed")
        assert wrote.returncode == 1
        _clean(wrote.stderr)
        assert "read-only" in wrote.stderr and "write access" in wrote.stderr
        assert "attempt to write a readonly database" not in wrote.stderr
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
    assert cli("export") == before


def test_migrate_to_a_missing_folder_is_refused(project: Cli) -> None:
    err = project.fails("migrate", "--to", "/no/such/dir/x.db")
    _clean(err)
    assert "--to" in err and "does not exist" in err
    assert not Path("/no/such/dir").exists()


def test_dashboard_token_must_be_strong(project: Cli) -> None:
    if importlib_missing("orchestron.dashboard"):
        pytest.skip("the dashboard is not installed")
    for token, words in (("x", "at least 16"), ("   ", "blank")):
        err = project.fails("dashboard", "--port", "0", "--token", token)
        _clean(err)
        assert words in err, err


def test_dashboard_on_a_corrupt_database_says_one_line(cli: Cli) -> None:
    if importlib_missing("orchestron.dashboard"):
        pytest.skip("the dashboard is not installed")
    cli.db.write_bytes(b"this is not a database" * 300)
    done = cli.run("dashboard", "--port", "0")
    assert done.returncode == 1
    assert "http://" not in done.stdout
    _clean(done.stderr)
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "not a database" in done.stderr


def importlib_missing(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is None


def test_an_export_is_strict_json_even_with_a_nan_from_before(cli: Cli) -> None:
    """Before the doors refused NaN, the event log kept it; the export writes null."""
    import sqlite3
    from contextlib import closing

    cli("task", "add", "Old", "-e", "2")
    with closing(sqlite3.connect(cli.db)) as conn:
        conn.execute("UPDATE events SET data = replace(data, '2.0', 'NaN')")
        conn.commit()
    done = cli.run("export")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout, parse_constant=lambda name: pytest.fail(name))
    assert document["events"][0]["data"]["estimate"] is None
    assert "written as null" in done.stderr


def test_a_failed_setup_leaves_claude_settings_whole(cli: Cli) -> None:
    """`setup claude` writes through the same atomic writer as export."""
    settings = cli.cwd / ".claude" / "settings.json"
    settings.parent.mkdir()
    allow = [f"Bash(tool-{i})" for i in range(4000)]  # a big, real-looking settings file
    settings.write_text(json.dumps({"permissions": {"allow": allow}}))
    earlier = settings.read_bytes()
    done = _with_a_file_size_limit(cli, "setup", "claude")
    assert done.returncode == 1, done
    _clean(done.stderr)
    assert "size limit" in done.stderr and "left as it was" in done.stderr
    assert "path:" not in done.stderr
    assert settings.read_bytes() == earlier
    assert sorted(p.name for p in settings.parent.iterdir()) == ["settings.json"]
