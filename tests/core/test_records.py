"""check_records: whole records judged by the rules the doors apply (what import runs)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from attrs import evolve

from orchestron.core import InvalidInputError, Sprint, SprintStatus, Task, check_records

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _task(ident: str, **changes: object) -> Task:
    return evolve(Task(id=ident, title=f"Task {ident}", created_at=NOW, updated_at=NOW), **changes)  # type: ignore[arg-type]


def _sprint(ident: str, status: SprintStatus = SprintStatus.PLANNED) -> Sprint:
    return Sprint(id=ident, name=ident, created_at=NOW, updated_at=NOW, status=status)


def test_a_sound_project_passes() -> None:
    check_records(
        tasks=[_task("TASK-001"), _task("TASK-002", parent="TASK-001", sprint="SPRINT-001")],
        dependencies=[("TASK-002", "TASK-001")],
        sprints=[_sprint("SPRINT-001", SprintStatus.ACTIVE), _sprint("SPRINT-002")],
        counters={"TASK": 2},
    )


@pytest.mark.parametrize(
    ("records", "field", "words"),
    [
        ({"tasks": [_task("TASK-001", progress=500)]}, "tasks[0] TASK-001.progress", "100"),
        ({"tasks": [_task("TASK-001", title="t" * 5000)]}, "tasks[0] TASK-001.title", "200"),
        (
            {"tasks": [_task("TASK-001", estimate=float("nan"))]},
            "tasks[0] TASK-001.estimate",
            "finite",
        ),
        ({"tasks": [_task("TASK-001", parent="TASK-009")]}, "tasks[0] TASK-001.parent", "TASK-009"),
        ({"tasks": [_task("TASK-001", sprint="SPRINT-9")]}, "tasks[0] TASK-001.sprint", "SPRINT-9"),
        (
            {"tasks": [_task("TASK-001", parent="TASK-002"), _task("TASK-002", parent="TASK-001")]},
            "tasks[0] TASK-001.parent",
            "TASK-001 -> TASK-002 -> TASK-001",
        ),
        ({"tasks": [_task("TASK-001"), _task("TASK-001")]}, "tasks[1]", "appears twice"),
        (
            {"tasks": [_task("TASK-" + "9" * 30)]},
            "tasks[0] TASK-" + "9" * 30 + ".id",
            "out of range",
        ),
        ({"tasks": [_task("TASK-001", version=10**9)]}, "tasks[0] TASK-001.version", "1000000"),
        (
            {
                "sprints": [
                    _sprint("SPRINT-001", SprintStatus.ACTIVE),
                    _sprint("SPRINT-002", SprintStatus.ACTIVE),
                ]
            },
            "sprints[1] SPRINT-002.status",
            "one active sprint",
        ),
        (
            {
                "tasks": [_task("TASK-001"), _task("TASK-002")],
                "dependencies": [("TASK-001", "TASK-002"), ("TASK-002", "TASK-001")],
            },
            "dependencies",
            "cycle",
        ),
        (
            {"tasks": [_task("TASK-001")], "dependencies": [("TASK-001", "TASK-001")]},
            "dependencies[0]",
            "itself",
        ),
        ({"counters": {"TASK": 10**12}}, "counters.TASK", "1000000"),
    ],
)
def test_what_a_door_refuses_the_records_refuse(
    records: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        check_records(**records)  # type: ignore[arg-type]
    assert raised.value.field == field
    assert words in raised.value.message, raised.value.message


def test_a_long_dependency_chain_is_checked_without_recursion() -> None:
    n = 20_000
    tasks = [_task(f"TASK-{i:05d}") for i in range(n)]
    chain = [(f"TASK-{i + 1:05d}", f"TASK-{i:05d}") for i in range(n - 1)]
    check_records(tasks=tasks, dependencies=chain)
    with pytest.raises(InvalidInputError, match="cycle"):
        check_records(tasks=tasks, dependencies=[*chain, ("TASK-00000", f"TASK-{n - 1:05d}")])
