"""`orchestron import` runs the checks every other door runs (issue 18, finding 10).

Each case edits a real export the way a hand or a broken tool might, imports it
into a fresh project, and checks the clear error and that nothing was written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from cli_harness import Cli, open_project

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Doc:
    """A small project with every section the checks look at, exported once."""
    from cli_harness import base_env

    root = tmp_path_factory.mktemp("source")
    (root / "home").mkdir()
    (root / "work").mkdir()
    cli = Cli(root / "work", base_env(root / "home"))
    cli("init")
    cli("task", "add", "Epic", "-t", "epic")
    cli("task", "add", "Schema", "--parent", "TASK-001", "-e", "2", "-c", "draft")
    cli("task", "add", "API", "--parent", "TASK-001", "--depends-on", "TASK-002")
    cli("sprint", "create", "S1", "--task", "TASK-002")
    cli("sprint", "create", "S2")
    cli("sprint", "start", "SPRINT-001")

    async def agent() -> None:
        async with open_project(cli, actor="claude-1") as orch:
            await orch.remember("Use PostgreSQL 16", kind="decision", topic="database")

    anyio.run(agent)
    document: Doc = json.loads(cli("export"))
    return document


def _task(doc: Doc, ident: str) -> Doc:
    found: Doc = next(t for t in doc["tasks"] if t["id"] == ident)
    return found


def _sprint(doc: Doc, ident: str) -> Doc:
    found: Doc = next(s for s in doc["sprints"] if s["id"] == ident)
    return found


Edit = Callable[[Doc], object]

CASES: list[tuple[str, Edit, tuple[str, ...]]] = [
    ("progress 500", lambda d: _task(d, "TASK-003").update(progress=500), ("progress", "100")),
    (
        "two active sprints",
        lambda d: _sprint(d, "SPRINT-002").update(status="ACTIVE"),
        ("SPRINT-002", "ACTIVE", "one active sprint"),
    ),
    ("5,000-character title", lambda d: _task(d, "TASK-002").update(title="t" * 5000), ("title",)),
    (
        "1 MB description",
        lambda d: _task(d, "TASK-002").update(description="d" * 1_000_000),
        ("description", "20000"),
    ),
    (
        "dangling parent",
        lambda d: _task(d, "TASK-003").update(parent="TASK-404"),
        ("parent", "TASK-404"),
    ),
    (
        "dangling sprint",
        lambda d: _task(d, "TASK-003").update(sprint="SPRINT-404"),
        ("sprint", "SPRINT-404"),
    ),
    (
        "parent cycle",
        lambda d: _task(d, "TASK-001").update(parent="TASK-002"),
        ("cycle", "TASK-001 -> TASK-002 -> TASK-001"),
    ),
    (
        "dependency cycle",
        lambda d: d["dependencies"].append({"task": "TASK-002", "depends_on": "TASK-003"}),
        ("cycle",),
    ),
    (
        "dangling dependency",
        lambda d: d["dependencies"].append({"task": "TASK-002", "depends_on": "TASK-404"}),
        ("TASK-404",),
    ),
    ("600-byte memory text", lambda d: d["memory"][0].update(text="m" * 600), ("text", "500")),
    (
        "duplicate task id",
        lambda d: d["tasks"].append({**_task(d, "TASK-002"), "title": "Twin"}),
        ("TASK-002 appears twice", "remove one"),
    ),
    (
        "id past the range",
        lambda d: _task(d, "TASK-003").update(id="TASK-" + "9" * 30),
        ("out of range",),
    ),
    (
        "counter past what can be stepped",
        lambda d: d["counters"].update(TASK=10**12),
        ("counters.TASK",),
    ),
    (
        "version past what can be stepped",
        lambda d: _task(d, "TASK-002").update(version=10**9),
        ("version",),
    ),
    ("estimate below zero", lambda d: _task(d, "TASK-002").update(estimate=-5), ("estimate",)),
    (
        "label with a space",
        lambda d: _task(d, "TASK-002").update(labels=["two words"]),
        ("labels",),
    ),
]


def _fresh(tmp_path: Path) -> Cli:
    from cli_harness import base_env

    (tmp_path / "home").mkdir()
    (tmp_path / "target").mkdir()
    target = Cli(tmp_path / "target", base_env(tmp_path / "home"))
    target("init")
    return target


def _refused(target: Cli, source: Path, *words: str) -> str:
    before = target("export")
    err = target.fails("import", str(source))
    assert "a bug in" not in err and "Traceback" not in err, err
    assert "run the command again" not in err, err
    assert len(err) < 2000, err[:300]
    for word in words:
        assert word in err, err
    assert target("export") == before, "a refused import wrote something"
    return err


@pytest.mark.parametrize(("name", "edit", "words"), CASES, ids=[c[0] for c in CASES])
def test_import_refuses_what_the_doors_refuse(
    exported: Doc, tmp_path: Path, name: str, edit: Edit, words: tuple[str, ...]
) -> None:
    doc = json.loads(json.dumps(exported))
    edit(doc)
    source = tmp_path / "edited.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    _refused(_fresh(tmp_path), source, *words)


def test_the_untouched_export_imports(exported: Doc, tmp_path: Path) -> None:
    """The cases above fail for their edit, not for the project they start from."""
    target = _fresh(tmp_path)
    source = tmp_path / "board.json"
    source.write_text(json.dumps(exported), encoding="utf-8")
    target("import", str(source))
    assert json.loads(target("export")) == exported


def test_a_binary_file_is_not_a_bug(tmp_path: Path) -> None:
    target = _fresh(tmp_path)
    source = tmp_path / "photo.jpg"
    source.write_bytes(bytes(range(256)) * 40)
    err = _refused(target, source, "not a text file", "orchestron export")
    assert "UnicodeDecodeError" not in err


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"format": "orchestron-export", "version": 1, "tasks": [], "x": NaN}', ("NaN",)),
        ('{"format": "orchestron-export", "version": 1, "n": Infinity}', ("Infinity",)),
        ('{"format": "orchestron-export", "version": 1, "n": ' + "9" * 5000 + "}", ("JSON",)),
        ("[" * 100_000 + "]" * 100_000, ("nested too deeply",)),
        ("\x00\x01 not json", ("not JSON",)),
    ],
    ids=["NaN", "Infinity", "5000-digit number", "deep nesting", "control bytes"],
)
def test_json_no_strict_parser_reads_is_refused(
    tmp_path: Path, text: str, words: tuple[str, ...]
) -> None:
    target = _fresh(tmp_path)
    source = tmp_path / "odd.json"
    source.write_text(text, encoding="utf-8")
    _refused(target, source, *words)
