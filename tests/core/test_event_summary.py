"""One line per event for a person, the same in the CLI and the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime

from orchestron.core import Event, event_summary

AT = datetime(2026, 12, 1, tzinfo=UTC)


def _event(kind: str, **data: object) -> Event:
    return Event(at=AT, actor="human:ada", entity="TASK-001", kind=kind, data=dict(data))


def test_a_status_move_reads_as_an_arrow() -> None:
    moved = _event("task.status_changed", **{"from": "TODO", "to": "DONE", "when": "x"})
    assert event_summary(moved) == "TODO → DONE"
    noted = _event("task.status_changed", **{"from": "A", "to": "B", "note": "all  done\n"})
    assert event_summary(noted) == "A → B (all done)"


def test_flags_lists_maps_and_numbers_read_as_words_not_python() -> None:
    opened = _event(
        "request.opened",
        blocking=False,
        urgent=True,
        files=["a.py", "b.py"],
        decisions={"db": "sqlite"},
        estimate=2.0,
        ratio=0.5,
        empty="",
        none=None,
    )
    assert event_summary(opened) == (
        "urgent files=a.py, b.py decisions=db: sqlite estimate=2 ratio=0.5"
    )
    assert "False" not in event_summary(opened) and "{" not in event_summary(opened)


def test_an_edit_lists_what_changed_and_long_values_are_cut() -> None:
    edit = _event("task.updated", changes={"priority": "HIGH"}, before={"priority": "LOW"})
    assert event_summary(edit) == "priority=HIGH"
    long = event_summary(_event("task.created", title="x" * 100))
    assert long == "title=" + "x" * 59 + "…"
