"""recall: full text over topic, text and rationale; ranked; paged; one line per entry."""

from __future__ import annotations

import pytest
from memory_support import save_context, start_session

from orchestron.core import InvalidInputError, MemoryStatus, Orchestron
from orchestron.core.testing import FixedClock

pytestmark = pytest.mark.anyio


async def test_a_word_only_in_a_rationale_is_found(app: Orchestron) -> None:
    said = await app.remember(
        "We use PostgreSQL",
        kind="decision",
        topic="database",
        rationale="Row-level locking under concurrent writers",
    )
    await app.remember("Four spaces", kind="convention", topic="indent")
    page = await app.recall("locking")
    assert [e.id for e in page.entries] == [said.entry.id]
    assert (await app.recall("LOCK")).entries == page.entries  # any case, prefix
    assert (await app.recall("zebra")).entries == ()


async def test_relevance_ranks_topic_over_text_over_rationale(app: Orchestron) -> None:
    in_rationale = await app.remember(
        "Keep secrets out of logs", kind="convention", topic="logging", rationale="cache"
    )
    in_topic = await app.remember("Redis 7, no persistence", kind="fact", topic="cache")
    in_text = await app.remember("Warm the cache before tests", kind="gotcha", topic="tests")
    page = await app.recall("cache")
    assert [e.id for e in page.entries] == [
        in_topic.entry.id,
        in_text.entry.id,
        in_rationale.entry.id,
    ]
    assert page.lines[0] == f"{in_topic.entry.id} FACT cache: Redis 7, no persistence"


async def test_more_query_words_matched_rank_first(app: Orchestron) -> None:
    one = await app.remember("Migrations run at deploy", kind="fact", topic="deploy")
    both = await app.remember("Migrations need a database lock", kind="gotcha", topic="locks")
    page = await app.recall("database migrations")
    assert [e.id for e in page.entries] == [both.entry.id, one.entry.id]


async def test_ties_to_the_tasks_labels_and_files_then_recency_break_ties(
    app: Orchestron, clock: FixedClock
) -> None:
    task = await app.create_task("Speed up the API", labels=["api"])
    session = await start_session(app, "s-1", "claude-1")
    await save_context(app, session, {"files_touched": ["src/api/routes.py"]}, task.id)
    plain = await app.remember("Responses under 4 KB", kind="convention", topic="size")
    clock.advance(minutes=5)
    newer = await app.remember("Responses are JSON", kind="convention", topic="format")
    clock.advance(minutes=5)
    by_label = await app.remember("The api answers within 200 ms", kind="fact", topic="latency")
    by_file = await app.remember(
        "Responses are cached", kind="fact", topic="caching", files=["src/api"]
    )
    clock.advance(minutes=5)
    newest = await app.remember("Responses carry an ETag", kind="fact", topic="etag")
    ids = [e.id for e in (await app.recall("responses", task_id=task.id)).entries]
    # Same relevance (the word is in each text); the folder tie beats recency.
    assert ids == [by_file.entry.id, newest.entry.id, newer.entry.id, plain.entry.id]
    ids = [e.id for e in (await app.recall(task_id=task.id)).entries]
    assert ids[:2] == [by_file.entry.id, by_label.entry.id]
    ids = [e.id for e in (await app.recall(files=["src/api/routes.py"])).entries]
    assert ids[0] == by_file.entry.id


async def test_pages_follow_the_cursor_without_gaps_or_repeats(app: Orchestron) -> None:
    made = [
        (
            await app.remember(
                f"Service {n} listens on port {8000 + n}", kind="fact", topic=f"port-{n}"
            )
        ).entry.id
        for n in range(25)
    ]
    seen: list[str] = []
    after = None
    while True:
        page = await app.recall("port", limit=10, after=after)
        seen += [e.id for e in page.entries]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))


async def test_kind_filter_and_live_statuses_only(app: Orchestron) -> None:
    fact = await app.remember("The API is REST", kind="fact", topic="api")
    gotcha = await app.remember("The API rate limit is 10/s", kind="gotcha", topic="rates")
    await app.retire(gotcha.entry.id, "limit lifted")
    assert [e.id for e in (await app.recall("api")).entries] == [fact.entry.id]
    assert (await app.recall("api", kind="gotcha")).entries == ()
    assert (await app.get_memory(gotcha.entry.id)).status is MemoryStatus.RETIRED


async def test_list_memory_pages_in_id_order(app: Orchestron) -> None:
    for n in range(12):
        await app.remember(f"Fact number {n} about area {n}", kind="fact", topic=f"area-{n}")
    first = await app.list_memory(limit=5)
    assert [e.id for e in first.entries] == [f"MEM-{n:03d}" for n in range(1, 6)]
    assert first.next_cursor == "MEM-005"
    last = await app.list_memory(limit=10, after="MEM-010")
    assert [e.id for e in last.entries] == ["MEM-011", "MEM-012"]
    assert last.next_cursor is None
    assert [e.id for e in (await app.list_memory(topic="Area 3")).entries] == ["MEM-004"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 1000}, "limit"),
        ({"after": "later"}, "after"),
        ({"kind": "rumour"}, "kind"),
        ({"query": "!!!"}, "query"),
    ],
)
async def test_bad_recall_input_names_the_field(
    app: Orchestron, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await app.recall(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field
