"""What of anyio the core may use: its locks and checkpoints, not its I/O.

The core's use cases are coroutines, so keeping one outbox sweep at a time takes
an async lock, and the contract suite in `orchestron.core.testing` runs units of
work side by side in a task group. anyio's files, processes, sockets, threads and
sleeps are I/O or real time, which the core leaves to the runtime and reads
through its ports. import-linter sees anyio as one package (and keeps it out of
everything below the services), so this test reads what the core takes from it.
"""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "packages/orchestron-core/src/orchestron/core"

ALLOWED = {
    "Lock",
    "Event",
    "Semaphore",
    "Condition",
    "CapacityLimiter",
    "CancelScope",
    "create_task_group",
    "get_cancelled_exc_class",
    "lowlevel",
}


def anyio_names(source: str) -> set[str]:
    """The names a module takes from anyio: `anyio.X` and `from anyio(.X) import ...`."""
    aliases: set[str] = set()
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top, _, sub = alias.name.partition(".")
                if top == "anyio":
                    aliases.add(alias.asname or "anyio")
                    if sub:
                        names.add(sub.partition(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module:
            top, _, sub = node.module.partition(".")
            if top == "anyio":
                names.update([sub.partition(".")[0]] if sub else (a.name for a in node.names))
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            names.add(node.attr)
    return names


def test_the_core_takes_only_locks_checkpoints_and_task_groups_from_anyio() -> None:
    used = {
        str(path.relative_to(CORE)): anyio_names(path.read_text())
        for path in sorted(CORE.rglob("*.py"))
    }
    beyond = {path: sorted(names - ALLOWED) for path, names in used.items() if names - ALLOWED}
    assert beyond == {}
    assert set().union(*used.values()), "the scan found no anyio at all: is CORE right?"


def test_the_scan_sees_each_way_of_reaching_anyio_io() -> None:
    assert anyio_names("import anyio\nawait anyio.sleep(1)\n") == {"sleep"}
    assert anyio_names("import anyio.to_thread\n") == {"to_thread"}
    assert anyio_names("from anyio import open_file, Lock\n") == {"open_file", "Lock"}
    assert anyio_names("from anyio.abc import SocketStream\n") == {"abc"}
    assert anyio_names("import anyio as aio\naio.run_process(['ls'])\n") == {"run_process"}
    assert anyio_names("import anyio\nanyio.lowlevel.checkpoint()\n") == {"lowlevel"}
