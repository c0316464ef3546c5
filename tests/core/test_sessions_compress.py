"""Context model and compression: pure, no storage."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestron.core import Context, InvalidInputError, compress, context_size
from orchestron.core.domain.compress import DROPPED_RESERVE


def _utf8_json_bytes(data: dict[str, Any]) -> int:
    """What a reader would check: the stored dict as UTF-8 JSON."""
    return len(json.dumps(data, ensure_ascii=False).encode("utf-8"))


def test_100kb_of_steps_and_notes_fits_4096_keeping_what_matters() -> None:
    big = Context(
        current_task="TASK-042",
        next_steps=("write the migration", "run the stress test"),
        critical_decisions={"storage": "SQLite in WAL mode", "ids": "TASK-001 style"},
        completed_steps=tuple(f"step {i}: " + "did a thing " * 8 for i in range(1000)),
        notes="observations " * 4000,
        files_touched=tuple(f"src/module_{i}.py" for i in range(300)),
    )
    assert big.size > 100_000

    small = compress(big, 4096)
    data = small.to_data()

    assert _utf8_json_bytes(data) <= 4096
    assert small.current_task == "TASK-042"
    assert small.next_steps == big.next_steps
    assert small.critical_decisions == big.critical_decisions
    # The newest steps survive, and the loss is on record.
    assert small.completed_steps and small.completed_steps[-1] == big.completed_steps[-1].strip()
    assert "completed_steps" in small.dropped
    assert "notes" in small.dropped


def test_a_context_within_budget_is_unchanged() -> None:
    ctx = Context(current_task="TASK-001", next_steps=("a", "b"), extra={"step": "API done"})
    assert compress(ctx, 4096) == ctx


def test_duplicates_go_before_anything_is_dropped() -> None:
    ctx = Context(completed_steps=("a", "b", "a", "", "c"), next_steps=("x", "x", "y"))
    packed = compress(ctx, 4096)
    assert packed.completed_steps == ("b", "a", "c")  # a log keeps an entry at its latest place
    assert packed.next_steps == ("x", "y")
    assert packed.dropped == {}


def test_small_extra_keys_survive_a_long_log() -> None:
    ctx = Context(
        completed_steps=tuple(f"step {i} " + "x" * 40 for i in range(500)),
        extra={"step": "API done", "blob": "y" * 20_000},
    )
    packed = compress(ctx, 2048)
    assert packed.extra == {"step": "API done"}
    assert "blob" in packed.dropped["extra"]
    assert packed.size <= 2048


def test_the_important_three_are_shortened_last_and_it_is_said() -> None:
    ctx = Context(
        current_task="TASK-001",
        next_steps=tuple(f"next {i} " + "z" * 100 for i in range(100)),
        critical_decisions={f"d{i}": "w" * 100 for i in range(100)},
        notes="n" * 1000,
    )
    packed = compress(ctx, 1024)
    assert packed.size <= 1024
    assert packed.current_task == "TASK-001"
    assert packed.next_steps[0] == ctx.next_steps[0]  # the nearest step stays
    assert "next_steps" in packed.dropped and "critical_decisions" in packed.dropped


def test_budget_below_the_minimum_is_refused() -> None:
    with pytest.raises(InvalidInputError) as err:
        compress(Context(), 10)
    assert err.value.field == "budget"


def test_from_data_reads_old_and_odd_shapes() -> None:
    old = {
        "currentTask": "TASK-007",
        "nextSteps": "deploy",
        "criticalDecisions": ["use WAL", "keep ids short"],
        "completedSteps": [1, {"step": "x"}, None],
        "notes": ["one", "two"],
        "files_touched": "a.py",
        "when": datetime(2026, 1, 1, tzinfo=UTC),
        "tags": {"b", "a"},
        "score": math.nan,
        7: "numeric key",
    }
    ctx = Context.from_data(old)
    assert ctx.current_task == "TASK-007"
    assert ctx.next_steps == ("deploy",)
    assert ctx.critical_decisions == {"1": "use WAL", "2": "keep ids short"}
    assert ctx.completed_steps[0] == "1"
    assert ctx.notes == "one\ntwo"
    assert ctx.files_touched == ("a.py",)
    data = ctx.to_data()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert data["tags"] == ["a", "b"] and data["7"] == "numeric key"


@pytest.mark.parametrize("value", [None, "just text", 42, ["a", "list"], {"current_task": {}}])
def test_from_data_never_fails(value: object) -> None:
    data = Context.from_data(value).to_data()
    json.dumps(data, allow_nan=False)


def test_unknown_keys_round_trip_at_the_top_level() -> None:
    ctx = Context.from_data({"step": "API done", "next_steps": ["tests"]})
    assert ctx.extra == {"step": "API done"}
    assert ctx.to_data() == {"next_steps": ["tests"], "step": "API done"}


# -- property: any context, any budget ------------------------------------------------------

_text = st.text(max_size=120)
_json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), _text)
_json = st.recursive(
    _json_leaf,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(_text, inner, max_size=6),
    max_leaves=12,
)
_contexts = st.builds(
    Context,
    current_task=st.one_of(st.none(), st.text(min_size=1, max_size=300)),
    completed_steps=st.lists(_text, max_size=60),
    next_steps=st.lists(_text, max_size=30),
    critical_decisions=st.dictionaries(st.text(max_size=60), _text, max_size=20),
    open_questions=st.lists(_text, max_size=30),
    files_touched=st.lists(st.text(max_size=80), max_size=100),
    notes=st.text(max_size=2000) | st.just("long note " * 900),
    extra=st.dictionaries(
        st.text(max_size=30).filter(lambda k: k not in {"dropped", *_KNOWN}), _json, max_size=10
    ),
)
_KNOWN = {
    "current_task",
    "completed_steps",
    "next_steps",
    "critical_decisions",
    "open_questions",
    "files_touched",
    "notes",
}


@settings(max_examples=100, deadline=None)
@given(ctx=_contexts, budget=st.integers(min_value=256, max_value=8192))
def test_compress_always_fits_and_keeps_the_core_when_it_can(ctx: Context, budget: int) -> None:
    packed = compress(ctx, budget)
    data = packed.to_data()

    text = json.dumps(data, ensure_ascii=False, allow_nan=False)  # valid JSON, no NaN
    assert len(text.encode("utf-8")) <= budget
    assert context_size(data) <= budget
    assert Context.from_data(json.loads(text)).to_data() == data  # it loads back as it was

    normal = Context.from_data(ctx.to_data())  # what compress starts from (strings stripped)
    core = Context(
        current_task=normal.current_task,
        next_steps=tuple(dict.fromkeys(s for s in normal.next_steps if s)),
        critical_decisions={k: v for k, v in normal.critical_decisions.items() if k or v},
    )
    if core.size + DROPPED_RESERVE <= budget:
        assert packed.current_task == core.current_task
        assert packed.next_steps == core.next_steps
        assert packed.critical_decisions == core.critical_decisions


@settings(max_examples=30, deadline=None)
@given(ctx=_contexts, budget=st.integers(min_value=256, max_value=4096))
def test_compressing_again_still_fits(ctx: Context, budget: int) -> None:
    once = compress(ctx, budget)
    assert compress(once, budget).size <= budget
