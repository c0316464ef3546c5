"""Judgement by meaning and words, on every store: restated claims merge, conflicting ones
are disputed once, different ones stay beside each other, weak evidence is listed for a
person; recall and the resume index find entries by meaning."""

from __future__ import annotations

from typing import Any

import pytest
from memory_support import start_session, stored

from orchestron.core import MemoryFilter, MemoryStatus, Orchestron
from orchestron.core.testing import FakeEmbedder, FixedClock, RecordingNotifier

pytestmark = pytest.mark.anyio


@pytest.fixture
async def app(storage_factory: Any, clock: FixedClock, notifier: RecordingNotifier) -> Orchestron:
    storage = await storage_factory()
    return Orchestron(storage, clock, notifier, actor="human:alice", embedder=FakeEmbedder())


async def test_a_restated_claim_under_another_topic_is_merged_with_both_provenances(
    app: Orchestron,
) -> None:
    await start_session(app, "s-1", "claude-1")
    await start_session(app, "s-2", "claude-2")
    first = await app.acting_as("claude-1").remember(
        "Background jobs run on Celery", kind="decision", topic="queue", session_id="s-1"
    )
    again = await app.acting_as("claude-2").remember(
        "We use Celery for background jobs", kind="decision", topic="jobs", session_id="s-2"
    )
    assert again.outcome == "merged" and again.entry.id == first.entry.id
    assert again.by_meaning
    assert again.reason.startswith(f"the same claim as {first.entry.id}")
    assert "Celery" in again.reason
    entry = await app.get_memory(first.entry.id)
    assert [p.session for p in entry.provenance] == ["s-1", "s-2"]
    assert entry.agents == ("claude-1", "claude-2")
    assert entry.text == "Background jobs run on Celery"
    assert await stored(app) == 1 and await app.inbox() == []


async def test_a_conflicting_claim_is_disputed_with_one_inbox_request(
    app: Orchestron, notifier: RecordingNotifier
) -> None:
    first = await app.remember("The web server listens on port 8080", kind="fact", topic="ports")
    clash = await app.remember("The web server listens on port 3000", kind="fact", topic="web")
    assert clash.outcome == "disputed"
    assert "8080" in clash.reason and "3000" in clash.reason
    assert [e.id for e in clash.others] == [first.entry.id]
    third = await app.remember("The web server listens on port 9000", kind="fact", topic="ports")
    assert third.outcome == "disputed" and third.request is not None
    [request] = await app.inbox()
    assert request.id == third.request.id == clash.request.id  # type: ignore[union-attr]
    for ident in (first.entry.id, clash.entry.id, third.entry.id):
        assert (await app.get_memory(ident)).status is MemoryStatus.DISPUTED
        assert ident in request.text
    assert [n.kind for n in notifier.sent] == ["INTERVENTION_NEEDED"]


async def test_a_negation_is_a_conflict_and_never_merged(app: Orchestron) -> None:
    await app.remember("Mock the database in unit tests", kind="convention", topic="mocks")
    denied = await app.remember(
        "Do not mock the database in unit tests", kind="convention", topic="testing"
    )
    assert denied.outcome == "disputed"
    assert "denies" in denied.reason


async def test_a_different_claim_on_the_topic_is_kept_beside_it_without_interrupting(
    app: Orchestron, notifier: RecordingNotifier
) -> None:
    db = await app.remember("PostgreSQL is the main database", kind="decision", topic="database")
    other = await app.remember(
        "Schema migrations are managed with Alembic", kind="decision", topic="database"
    )
    backups = await app.remember(
        "Database backups run every night at 2 am", kind="fact", topic="database"
    )
    assert [other.outcome, backups.outcome] == ["added", "added"]
    assert backups.maybe is None and backups.entry.maybe_same is None
    assert backups.reason.startswith("a claim of its own")
    statuses = {e.id: e.status for e in (await app.list_memory()).entries}
    assert set(statuses.values()) == {MemoryStatus.ACTIVE}
    assert len(statuses) == 3 and db.entry.id in statuses
    assert await app.inbox() == [] and notifier.sent == []


async def test_weak_evidence_keeps_both_and_lists_the_pair_as_maybe_the_same(
    app: Orchestron, clock: FixedClock
) -> None:
    first = await app.remember("The worker retries failed jobs", kind="fact", topic="retries")
    second = await app.remember(
        "The worker retries failed jobs 3 times", kind="fact", topic="retries"
    )
    assert second.outcome == "added" and second.entry.id != first.entry.id
    assert second.maybe is not None and second.maybe.id == first.entry.id
    assert second.entry.maybe_same == first.entry.id
    assert "maybe the same as" in second.reason and "3 times" in second.reason
    assert await app.inbox() == []  # no interruption: a person looks when they review
    [listed] = await app.stale()
    assert listed.entry.id == second.entry.id and listed.maybe_same is not None
    assert listed.maybe_same.id == first.entry.id
    assert listed.reasons[0].startswith(f'maybe the same as {first.entry.id} "The worker')
    clock.advance(minutes=1)
    await app.confirm(second.entry.id)  # both hold: it leaves the list
    assert await app.stale() == []
    assert (await app.get_memory(second.entry.id)).maybe_same is None


async def test_each_new_entry_keeps_its_vector_and_old_ones_get_one_when_judged(
    storage_factory: Any, clock: FixedClock
) -> None:
    words_only = Orchestron(await storage_factory(), clock, actor="human:alice")
    old = await words_only.remember("Deploys go out from main", kind="fact", topic="release")
    embedder = FakeEmbedder()
    app = Orchestron(await storage_factory(), clock, actor="human:alice", embedder=embedder)
    async with app.storage.transaction(write=False) as tx:
        assert await tx.memory.vectors([old.entry.id], embedder.model) == {}
    new = await app.remember("Deploys need a green CI run", kind="fact", topic="release")
    async with app.storage.transaction(write=False) as tx:
        kept = await tx.memory.vectors([old.entry.id, new.entry.id], embedder.model)
        assert set(kept) == {old.entry.id, new.entry.id}
        assert await tx.memory.count(MemoryFilter()) == 2


async def test_recall_by_meaning_finds_an_entry_sharing_no_word_with_the_query(
    app: Orchestron, clock: FixedClock
) -> None:
    deploy = await app.remember(
        "Releases go out from the main branch on Fridays", kind="convention", topic="release"
    )
    await app.remember("The API answers in JSON", kind="fact", topic="api")
    page = await app.recall("how do we ship to production")
    assert [e.id for e in page.entries] == [deploy.entry.id]
    # Past the size where every entry is compared, the vector index finds it.
    for n in range(320):
        clock.advance(seconds=1)
        await app.remember(f"Service {n} exposes metric {n}", kind="fact", topic=f"svc-{n}")
    assert (await app.recall("how do we ship to production")).entries[0].id == deploy.entry.id
    # Words still count: an entry with the query's word comes before one found by meaning.
    worded = await app.remember("Ship logs to the collector", kind="fact", topic="logs")
    ids = [e.id for e in (await app.recall("ship to production")).entries]
    assert ids[:2] == [worded.entry.id, deploy.entry.id]


async def test_the_resume_index_lists_an_entry_by_meaning(app: Orchestron) -> None:
    task = await app.create_task("Ship the new billing page to production")
    tied = await app.remember("Releases need a green CI run first", kind="gotcha", topic="ci")
    for n in range(30):
        await app.remember(f"Colour {n} is reserved for widget {n}", kind="fact", topic=f"ui-{n}")
    lines = await app.memory_index(task.id)
    assert lines[0].startswith(f"{tied.entry.id} ci: ")


async def test_texts_without_words_and_topics_in_any_script(app: Orchestron) -> None:
    rocket = await app.remember("🚀🚀🚀", kind="fact", topic="deploy")
    ticks = await app.remember("✅✅", kind="fact", topic="tests")
    assert ticks.outcome == "added" and ticks.entry.id != rocket.entry.id
    cpp = await app.remember("Format with clang-format", kind="convention", topic="C++")
    cs = await app.remember("Format with dotnet format", kind="convention", topic="C#")
    assert (cpp.entry.topic, cs.entry.topic) == ("c++", "c#")
    assert cs.outcome == "added" and await app.inbox() == []
    db = await app.remember("We use PostgreSQL", kind="decision", topic="数据库")
    assert db.entry.topic == "数据库"
    assert [e.id for e in (await app.list_memory(topic="数据库")).entries] == [db.entry.id]


async def test_a_rival_on_the_same_topic_is_judged_however_many_others_read_alike(
    storage_factory: Any, clock: FixedClock
) -> None:
    app = Orchestron(await storage_factory(), clock, actor="human:alice")  # words alone
    for n in range(20):
        await app.remember(
            f"Use the agent-1 layout for module {n}", kind="decision", topic=f"layout-{n}"
        )
    rival = await app.remember(
        "Use the agent-2 layout for module 25", kind="decision", topic="layout-25"
    )
    # As alike in words to the agent's own twenty claims as to the rival: the rival is
    # judged all the same, since it is on the claim's topic.
    clash = await app.remember(
        "Use the agent-1 layout for module 25", kind="decision", topic="layout-25"
    )
    assert clash.outcome == "disputed"
    assert [e.id for e in clash.others] == [rival.entry.id]
