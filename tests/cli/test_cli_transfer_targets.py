"""`import` and `migrate` refuse any store that holds anything: every kind of record counts.

Each target below holds one record of one kind and nothing else, written
through the storage port (no use case writes a record without an event beside
it). Before the one transfer module, `migrate` looked at five kinds and `import`
at nine, so a store holding only a message, a context, a handoff, a request or
a notification waiting to be sent passed one check or the other.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import pytest
from cli_harness import Cli, base_env
from test_cli_transfer import build_a_busy_project

from orchestron import core
from orchestron.core.ports import UnitOfWork
from orchestron.sqlite import SqliteStorage
from store_rows import store_rows

# kind -> (its section of the export and the record type, how `import` counts one)
KINDS: dict[str, tuple[type, str]] = {
    "sessions": (core.Session, "1 session"),
    "sprints": (core.Sprint, "1 sprint"),
    "contexts": (core.ContextRecord, "1 context"),
    "handoffs": (core.Handoff, "1 handoff"),
    "requests": (core.HumanRequest, "1 request"),
    "messages": (core.Message, "1 message"),
    "memory": (core.MemoryEntry, "1 memory entry"),
    "events": (core.Event, "1 event"),
}
NOTE = core.Notification(kind="review", title="TASK-001 is ready for review", at=datetime.now(UTC))


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Cli, Path, dict[str, Any]]:
    """A project holding every kind of record, its export, and the export read."""
    root = tmp_path_factory.mktemp("source")
    (root / "work").mkdir()
    (root / "home").mkdir()
    cli = Cli(root / "work", base_env(root / "home"))
    cli("init")
    build_a_busy_project(cli)
    cli("memory", "add", "Four spaces, no tabs", "-k", "convention", "--topic", "indent")
    exported = root / "board.json"
    exported.write_text(cli("export"), encoding="utf-8")
    document: dict[str, Any] = json.loads(exported.read_text(encoding="utf-8"))
    for kind in KINDS:
        assert document[kind], f"the source project should hold {kind}"
    return cli, exported, document


def _store_holding(path: Path, write: Callable[[UnitOfWork], Any]) -> Path:
    async def go() -> None:
        storage = await SqliteStorage.open(path)
        try:
            async with storage.transaction(write=True) as tx:
                await write(tx)
        finally:
            await storage.close()

    anyio.run(go)
    return path


def _one(kind: str, document: dict[str, Any]) -> Callable[[UnitOfWork], Any]:
    record = core.from_jsonable(document[kind][0], KINDS[kind][0])
    if kind == "events":
        return lambda tx: tx.events.append(record)
    return lambda tx: getattr(tx, kind).add(record)


@pytest.mark.parametrize("kind", [*KINDS, "outbox"])
def test_a_store_holding_one_record_of_any_kind_is_refused(
    kind: str, source: tuple[Cli, Path, dict[str, Any]], tmp_path: Path
) -> None:
    cli, exported, document = source
    write = (lambda tx: tx.outbox.add(NOTE)) if kind == "outbox" else _one(kind, document)
    target = _store_holding(tmp_path / f"{kind}-only.db", write)
    before = store_rows(target)

    err = cli.fails("migrate", "--to", str(target))
    assert f"already holds {kind} (" in err, err
    assert "copy into an empty store" in err

    err = cli.fails("--db", str(target), "import", str(exported))
    counted = "1 notification waiting to be sent" if kind == "outbox" else KINDS[kind][1]
    assert err.startswith(f"error: this project is not empty ({counted}); import only"), err
    assert "orchestron --db NEW.db init" in err
    assert "Traceback" not in err

    assert store_rows(target) == before, "a refused import or migrate writes nothing"
