"""remember: one entry per claim, merged provenance, supersede with history, bad input."""

from __future__ import annotations

from datetime import date

import pytest
from memory_support import start_session, stored

from orchestron.core import (
    InvalidInputError,
    MemoryKind,
    MemoryStatus,
    NotFoundError,
    Orchestron,
)
from orchestron.core.testing import FixedClock

pytestmark = pytest.mark.anyio


async def test_a_new_claim_is_added_with_its_provenance(app: Orchestron) -> None:
    task = await app.create_task("Pick a database")
    await start_session(app, "s-1", "claude-1")
    said = await app.remember(
        "We use PostgreSQL 16 for the main store",
        kind="decision",
        topic="Database",
        rationale="JSONB and row locks",
        session_id="s-1",
        task_id=task.id,
        files=["./src/db.py", "src\\models\\"],
        review_date="2026-06-30",
    )
    assert said.outcome == "added"
    entry = said.entry
    assert (entry.id, entry.kind, entry.topic, entry.status) == (
        "MEM-001",
        MemoryKind.DECISION,
        "database",
        MemoryStatus.ACTIVE,
    )
    assert entry.rationale == "JSONB and row locks"
    assert entry.review_date == date(2026, 6, 30)
    [source] = entry.provenance
    assert (source.agent, source.session, source.task) == ("claude-1", "s-1", task.id)
    assert source.files == ("src/db.py", "src/models")
    assert await app.get_memory("mem-1") == entry
    [event] = await app.events(kinds=["memory.added"])
    assert event.entity == "MEM-001" and event.data["topic"] == "database"


async def test_one_decision_said_in_three_sessions_is_one_entry_with_three_provenances(
    app: Orchestron, clock: FixedClock
) -> None:
    wordings = [
        "We use PostgreSQL for the main database",
        "Use PostgreSQL as the main database",
        "we use postgresql for the main database.",
    ]
    results = []
    for n, text in enumerate(wordings, start=1):
        await start_session(app, f"s-{n}", f"claude-{n}")
        clock.advance(minutes=10)
        results.append(
            await app.remember(text, kind="DECISION", topic="database", session_id=f"s-{n}")
        )
    assert [r.outcome for r in results] == ["added", "merged", "merged"]
    entry = await app.get_memory(results[0].entry.id)
    assert [p.session for p in entry.provenance] == ["s-1", "s-2", "s-3"]
    assert entry.agents == ("claude-1", "claude-2", "claude-3")
    assert entry.text == wordings[0]  # the first wording stays
    assert entry.last_confirmed == clock.now()  # said again: still holds
    assert await stored(app) == 1


async def test_saying_the_same_thing_again_in_one_session_changes_nothing(
    app: Orchestron,
) -> None:
    first = await app.remember("Never edit generated/", kind="convention", topic="generated")
    again = await app.remember("never edit generated/", kind="convention", topic="generated")
    assert again.outcome == "merged"
    assert again.entry == first.entry  # same source, same files: no new version


async def test_the_same_claim_under_another_topic_is_merged_when_nearly_identical(
    app: Orchestron,
) -> None:
    first = await app.remember("The test database needs TZ=UTC set", kind="gotcha", topic="test-db")
    same = await app.remember("the test database needs TZ=UTC set", kind="gotcha", topic="testing")
    assert same.outcome == "merged" and same.entry.id == first.entry.id
    other = await app.remember("The CI runners need TZ=UTC set", kind="gotcha", topic="ci")
    assert other.outcome == "added"


async def test_other_numbers_or_a_negation_make_another_claim(app: Orchestron) -> None:
    await app.remember("We use PostgreSQL 15", kind="decision", topic="database")
    changed = await app.remember("We use PostgreSQL 16", kind="decision", topic="database")
    assert changed.outcome == "disputed"
    await app.remember("Use mocks for the HTTP client", kind="convention", topic="mocks")
    negated = await app.remember(
        "Never use mocks for the HTTP client", kind="convention", topic="mocks"
    )
    assert negated.outcome == "disputed"
    await app.remember("Port 8080 with a 30 s timeout", kind="fact", topic="web")
    swapped = await app.remember("Port 30 with a 8080 s timeout", kind="fact", topic="proxy")
    assert swapped.outcome == "added"  # the same words, other numbers where they stand


async def test_supersede_keeps_the_history(app: Orchestron, clock: FixedClock) -> None:
    old = (await app.remember("We use SQLite", kind="decision", topic="database")).entry
    clock.advance(hours=1)
    new = await app.remember(
        "We use PostgreSQL", kind="decision", topic="database", supersedes=old.id
    )
    assert new.outcome == "superseded"
    assert new.entry.supersedes == old.id and new.entry.status is MemoryStatus.ACTIVE
    [gone] = new.others
    assert gone == await app.get_memory(old.id)
    assert (gone.status, gone.superseded_by, gone.text) == (
        MemoryStatus.SUPERSEDED,
        new.entry.id,
        "We use SQLite",
    )
    page = await app.list_memory()
    assert [e.id for e in page.entries] == [old.id, new.entry.id]
    assert [e.id for e in (await app.recall("database")).entries] == [new.entry.id]
    assert await app.inbox() == []


async def test_superseding_what_cannot_be_superseded_is_refused(app: Orchestron) -> None:
    old = (await app.remember("We use SQLite", kind="decision", topic="database")).entry
    await app.remember("We use PostgreSQL", kind="decision", topic="database", supersedes=old.id)
    with pytest.raises(InvalidInputError) as caught:
        await app.remember("We use MySQL", kind="decision", topic="database", supersedes=old.id)
    assert caught.value.field == "supersedes" and "already superseded by MEM-002" in str(
        caught.value
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "é" * 251}, "text"),  # 502 bytes of UTF-8
        ({"kind": "opinion"}, "kind"),
        ({"topic": ""}, "topic"),
        ({"topic": "!!!"}, "topic"),
        ({"supersedes": "MEM-042"}, "supersedes"),
        ({"supersedes": "TASK-1"}, "supersedes"),
        ({"review_date": "next week"}, "review_date"),
        ({"files": [3]}, "files"),
        ({"rationale": "x" * 2001}, "rationale"),
    ],
)
async def test_bad_input_names_the_field_and_writes_nothing(
    app: Orchestron, kwargs: dict[str, object], field: str
) -> None:
    await app.remember("We use SQLite", kind="decision", topic="database")
    before = await app.last_event_seq()
    args: dict[str, object] = {"text": "We use PostgreSQL", "kind": "decision", "topic": "db"}
    args.update(kwargs)
    text = args.pop("text")
    with pytest.raises(InvalidInputError) as caught:
        await app.remember(text, **args)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert await stored(app) == 1
    assert await app.last_event_seq() == before


async def test_a_text_of_exactly_500_bytes_is_accepted(app: Orchestron) -> None:
    said = await app.remember("é" * 250, kind="fact", topic="limits")
    assert len(said.entry.text.encode()) == 500


async def test_an_unknown_task_is_refused_and_nothing_is_written(app: Orchestron) -> None:
    with pytest.raises(NotFoundError):
        await app.remember("x marks the spot", kind="fact", topic="map", task_id="TASK-9")
    assert await stored(app) == 0


async def test_confirm_and_retire(app: Orchestron, clock: FixedClock) -> None:
    entry = (await app.remember("We use SQLite", kind="decision", topic="database")).entry
    clock.advance(days=3)
    confirmed = await app.confirm(entry.id, review_date="2026-05-01")
    assert confirmed.last_confirmed == clock.now()
    assert confirmed.review_date == date(2026, 5, 1)
    assert confirmed.version == entry.version + 1
    retired = await app.retire(entry.id, "moved to PostgreSQL")
    assert (retired.status, retired.retired_reason) == (
        MemoryStatus.RETIRED,
        "moved to PostgreSQL",
    )
    with pytest.raises(InvalidInputError) as caught:
        await app.retire(entry.id, " ")
    assert caught.value.field == "reason"
    from orchestron.core import ForbiddenError

    with pytest.raises(ForbiddenError):
        await app.confirm(entry.id)
    with pytest.raises(NotFoundError):
        await app.get_memory("MEM-404")
    kinds = [e.kind for e in await app.events(entity=entry.id)]
    assert kinds == ["memory.added", "memory.confirmed", "memory.retired"]
