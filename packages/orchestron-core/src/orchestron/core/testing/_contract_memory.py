"""Storage contract: project memory (entries, filters, recency, full-text search)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from orchestron.core.domain.memory import MemoryEntry, MemoryKind, MemoryStatus, Provenance
from orchestron.core.domain.vectors import COMMON_CELL
from orchestron.core.errors import ConflictError, NotFoundError
from orchestron.core.ports import MemoryFilter, UnitOfWork
from orchestron.core.testing._contract_kit import T0, Check, StorageFactory, at, commit, raises

__all__ = ["MEMORY_CHECKS"]


def entry(ident: str, text: str, **fields: Any) -> MemoryEntry:
    fields.setdefault("kind", MemoryKind.FACT)
    fields.setdefault("topic", "general")
    fields.setdefault("created_at", T0)
    fields.setdefault("updated_at", fields["created_at"])
    fields.setdefault("last_confirmed", fields["created_at"])
    return MemoryEntry(id=ident, text=text, **fields)


async def _add_all(tx: UnitOfWork, *entries: MemoryEntry) -> None:
    for e in entries:
        await tx.memory.add(e)


async def check_memory_round_trip_and_versions(make: StorageFactory) -> None:
    full = entry(
        "MEM-1",
        "We use PostgreSQL 16 — für Zeilen-Sperren",
        kind=MemoryKind.DECISION,
        topic="database",
        rationale="row locks",
        provenance=(
            Provenance(at=T0, agent="claude-1", session="S-1", task="TASK-1", files=("src/db.py",)),
            Provenance(at=at(5), agent="claude-2"),
        ),
        status=MemoryStatus.DISPUTED,
        supersedes="MEM-0",
        dispute="REQ-3",
        review_date=date(2026, 3, 1),
        updated_by="claude-2",
    )
    bare = entry("MEM-2", "Tabs", kind=MemoryKind.PREFERENCE, topic="indent")
    async with make() as storage:
        await commit(storage, lambda tx: _add_all(tx, full, bare))
        with raises(ConflictError):
            await commit(storage, lambda tx: tx.memory.add(bare))
        async with storage.transaction(write=False) as tx:
            assert await tx.memory.get("MEM-1") == full
            assert await tx.memory.get("MEM-404") is None
            assert await tx.memory.get_many(["MEM-2", "MEM-404", "MEM-1"]) == [bare, full]
        moved = full.changed(at(10), "human", status=MemoryStatus.ACTIVE, dispute=None)
        await commit(storage, lambda tx: tx.memory.update(moved))
        with raises(ConflictError) as caught:
            await commit(storage, lambda tx: tx.memory.update(full.changed(at(11), "x")))
        assert (caught[0].current_version, caught[0].changed_by) == (2, "human")
        with raises(NotFoundError):
            ghost = entry("MEM-9", "ghost", version=2)
            await commit(storage, lambda tx: tx.memory.update(ghost))
        async with storage.transaction(write=False) as tx:
            assert await tx.memory.get("MEM-1") == moved


async def check_memory_list_and_filters(make: StorageFactory) -> None:
    live = (MemoryStatus.ACTIVE, MemoryStatus.DISPUTED)
    a = entry(
        "MEM-2",
        "a",
        topic="db",
        provenance=(Provenance(at=T0, task="TASK-1", files=("src/db",)),),
        review_date=date(2026, 1, 10),
    )
    b = entry(
        "MEM-10",
        "b",
        kind=MemoryKind.GOTCHA,
        topic="db",
        status=MemoryStatus.DISPUTED,
        dispute="REQ-1",
        provenance=(Provenance(at=T0, task="TASK-2", files=("src/db/models.py",)),),
    )
    c = entry(
        "MEM-3",
        "c",
        topic="api",
        status=MemoryStatus.RETIRED,
        provenance=(Provenance(at=T0, files=("src/dbx.py", "docs")),),
        review_date=date(2026, 2, 1),
    )
    async with make() as storage:
        await commit(storage, lambda tx: _add_all(tx, a, b, c))
        async with storage.transaction(write=False) as tx:

            async def ids(flt: MemoryFilter, **kw: Any) -> list[str]:
                found = await tx.memory.list(flt, **kw)
                assert await tx.memory.count(flt) == len(await tx.memory.list(flt))
                return [e.id for e in found]

            assert await ids(MemoryFilter()) == ["MEM-2", "MEM-3", "MEM-10"]
            assert await ids(MemoryFilter(), after="MEM-2", limit=1) == ["MEM-3"]
            assert await ids(MemoryFilter(), after="MEM-10") == []
            assert await ids(MemoryFilter(statuses=live)) == ["MEM-2", "MEM-10"]
            assert await ids(MemoryFilter(kinds=(MemoryKind.GOTCHA,))) == ["MEM-10"]
            assert await ids(MemoryFilter(topic="db")) == ["MEM-2", "MEM-10"]
            assert await ids(MemoryFilter(dispute="REQ-1")) == ["MEM-10"]
            assert await ids(MemoryFilter(task="TASK-1")) == ["MEM-2"]
            # A file inside a folder entry, a folder holding a file entry; not a sibling.
            assert await ids(MemoryFilter(files=("src/db/engine.py",))) == ["MEM-2"]
            assert await ids(MemoryFilter(files=("src/db",))) == ["MEM-2", "MEM-10"]
            assert await ids(MemoryFilter(files=("src",))) == ["MEM-2", "MEM-3", "MEM-10"]
            assert await ids(MemoryFilter(files=("src/d", "docs/a.md"))) == ["MEM-3"]
            assert await ids(MemoryFilter(review_due=date(2026, 1, 10))) == ["MEM-2"]
            assert await ids(MemoryFilter(review_due=date(2026, 12, 1))) == ["MEM-2", "MEM-3"]
            assert await ids(MemoryFilter(statuses=live, topic="db", files=("src/db",))) == [
                "MEM-2",
                "MEM-10",
            ]
        # An update moves the entry between filters (files and tasks included).
        moved = a.changed(
            at(1),
            "x",
            provenance=(Provenance(at=T0, task="TASK-9", files=("lib/x.py",)),),
        )
        await commit(storage, lambda tx: tx.memory.update(moved))
        async with storage.transaction(write=False) as tx:
            assert [e.id for e in await tx.memory.list(MemoryFilter(task="TASK-1"))] == []
            assert [e.id for e in await tx.memory.list(MemoryFilter(files=("src/db",)))] == [
                "MEM-10"
            ]
            assert [e.id for e in await tx.memory.list(MemoryFilter(files=("lib",)))] == ["MEM-2"]


async def check_memory_recent(make: StorageFactory) -> None:
    old = entry("MEM-1", "old", last_confirmed=T0)
    new = entry("MEM-2", "new", last_confirmed=at(30))
    tie = entry("MEM-3", "tie", last_confirmed=at(30))
    gone = entry("MEM-4", "gone", last_confirmed=at(60), status=MemoryStatus.RETIRED)
    async with make() as storage:
        await commit(storage, lambda tx: _add_all(tx, old, new, tie, gone))
        async with storage.transaction(write=False) as tx:
            found = await tx.memory.recent(MemoryFilter(), limit=10)
            assert [e.id for e in found] == ["MEM-4", "MEM-3", "MEM-2", "MEM-1"]
            live = MemoryFilter(statuses=(MemoryStatus.ACTIVE,))
            assert [e.id for e in await tx.memory.recent(live, limit=2)] == ["MEM-3", "MEM-2"]


async def check_memory_search(make: StorageFactory) -> None:
    db = entry(
        "MEM-1",
        "We use PostgreSQL for storage",
        topic="database",
        rationale="Row-level locking under concurrency",
    )
    tz = entry("MEM-2", "The test DB needs TZ=UTC", topic="test-db", kind=MemoryKind.GOTCHA)
    cafe = entry("MEM-3", "Le café est servi à midi", topic="lunch")
    both = entry("MEM-4", "Migrations lock the database", topic="migrations")
    one = entry("MEM-5", "Migrations run at deploy time", topic="deploy")
    gone = entry("MEM-6", "We used MySQL for storage once", status=MemoryStatus.RETIRED)
    async with make() as storage:
        await commit(storage, lambda tx: _add_all(tx, db, tz, cafe, both, one, gone))
        async with storage.transaction(write=False) as tx:

            async def ids(
                *terms: str, flt: MemoryFilter | None = None, limit: int = 20
            ) -> list[str]:
                found = await tx.memory.search(terms, flt or MemoryFilter(), limit=limit)
                return [e.id for e in found]

            assert await ids("locking") == ["MEM-1"]  # only in the rationale
            assert sorted(await ids("lock")) == ["MEM-1", "MEM-4"]
            assert await ids("postgres") == ["MEM-1"]  # a prefix
            assert await ids("db") == ["MEM-2"]  # a word of the topic key
            assert await ids("utc") == ["MEM-2"]
            assert await ids("cafe") == ["MEM-3"]  # accents folded
            assert await ids("zebra") == []
            assert await ids() == []
            assert sorted(await ids("storage")) == ["MEM-1", "MEM-6"]
            live = MemoryFilter(statuses=(MemoryStatus.ACTIVE,))
            assert await ids("storage", flt=live) == ["MEM-1"]
            assert (await ids("migrations", "database"))[0] == "MEM-4"  # has both words
            assert len(await ids("migrations", "database", limit=2)) == 2
            kinds = MemoryFilter(kinds=(MemoryKind.GOTCHA,))
            assert await ids("test", "database", flt=kinds) == ["MEM-2"]
        # The index follows updates, and a rolled-back write leaves no trace.
        reworded = db.changed(at(1), "x", text="We use SQLite for storage", rationale=None)
        await commit(storage, lambda tx: tx.memory.update(reworded))

        async def add_then_fail(tx: UnitOfWork) -> None:
            await tx.memory.add(entry("MEM-7", "Zeppelins carry the cache"))
            raise RuntimeError("boom")

        with raises(RuntimeError):
            await commit(storage, add_then_fail)
        async with storage.transaction(write=False) as tx:
            flt = MemoryFilter()
            assert [e.id for e in await tx.memory.search(["sqlite"], flt, limit=5)] == ["MEM-1"]
            assert await tx.memory.search(["postgresql"], flt, limit=5) == []
            assert await tx.memory.search(["locking"], flt, limit=5) == []
            assert await tx.memory.search(["zeppelins"], flt, limit=5) == []
            assert await tx.memory.get("MEM-7") is None


async def check_memory_many_matches_keep_the_limit(make: StorageFactory) -> None:
    many = [
        entry(f"MEM-{n}", f"Port {n} serves service {n}", last_confirmed=T0 + timedelta(seconds=n))
        for n in range(1, 61)
    ]
    exact = entry("MEM-61", "Port service registry", topic="registry")
    async with make() as storage:
        await commit(storage, lambda tx: _add_all(tx, *many, exact))
        async with storage.transaction(write=False) as tx:
            found = await tx.memory.search(["registry", "port"], MemoryFilter(), limit=10)
            assert len(found) == 10
            assert found[0].id == "MEM-61"


async def check_memory_similar(make: StorageFactory) -> None:
    text = "The test database needs TZ set to UTC"
    same = entry("MEM-1", "the TEST database needs tz set to utc!", topic="test-db")
    other = entry("MEM-2", "Deploys run from the main branch on Fridays", topic="deploy")
    gone = entry("MEM-3", text, status=MemoryStatus.RETIRED)
    again = entry("MEM-4", text, topic="tz")
    async with make() as storage:
        await commit(storage, lambda tx: _add_all(tx, same, other, gone, again))
        async with storage.transaction(write=False) as tx:
            live = MemoryFilter(statuses=(MemoryStatus.ACTIVE,))

            async def ids(probe: str, limit: int = 10) -> list[str]:
                return [e.id for e in await tx.memory.similar(probe, live, limit=limit)]

            assert await ids(text) == ["MEM-1", "MEM-4"]  # all bands shared: id order
            assert await ids(text, limit=1) == ["MEM-1"]
            assert await ids("Lunch is at noon in the big hall") == []
        # The bands follow an update of the text.
        reworded = again.changed(at(1), "x", text="Lunch is at noon in the big hall")
        await commit(storage, lambda tx: tx.memory.update(reworded))
        async with storage.transaction(write=False) as tx:
            found = await tx.memory.similar("lunch is at noon in the big hall", live, limit=5)
            assert [e.id for e in found] == ["MEM-4"]
            assert [e.id for e in await tx.memory.similar(text, live, limit=5)] == ["MEM-1"]


def _axis(*weights: tuple[int, float], size: int = 16) -> tuple[float, ...]:
    """A unit vector with the given (position, weight) coordinates."""
    values = [0.0] * size
    for i, w in weights:
        values[i] = w
    norm = sum(v * v for v in values) ** 0.5
    return tuple(v / norm for v in values)


async def check_memory_vectors(make: StorageFactory) -> None:
    # Vectors whose largest coordinates (their cells) overlap: a, b share positions 0-2.
    a = _axis((0, 0.9), (1, 0.5), (2, 0.3), (3, 0.1))
    b = _axis((0, 0.8), (1, 0.6), (2, -0.1), (5, 0.2))
    far = _axis((9, -0.9), (10, 0.4), (11, 0.2))
    one = entry("MEM-1", "one", topic="x")
    two = entry("MEM-2", "two", topic="x")
    three = entry("MEM-3", "three", topic="y")
    gone = entry("MEM-4", "gone", status=MemoryStatus.RETIRED)
    async with make() as storage:
        await commit(storage, lambda tx: _add_all(tx, one, two, three, gone))

        async def store(tx: UnitOfWork) -> None:
            await tx.memory.set_vector("MEM-1", "m1", a)
            await tx.memory.set_vector("MEM-2", "m1", b)
            await tx.memory.set_vector("MEM-3", "m1", far)
            await tx.memory.set_vector("MEM-4", "m1", a)

        await commit(storage, store)
        with raises(NotFoundError):
            await commit(storage, lambda tx: tx.memory.set_vector("MEM-404", "m1", a))
        async with storage.transaction(write=False) as tx:
            got = await tx.memory.vectors(["MEM-1", "MEM-3", "MEM-404"], "m1")
            assert set(got) == {"MEM-1", "MEM-3"}
            # float32 in the store: equal to seven digits, whatever the store.
            assert all(abs(x - y) < 1e-6 for x, y in zip(got["MEM-1"], a, strict=True))
            assert await tx.memory.vectors(["MEM-1"], "other-model") == {}
            assert [e.id for e in await tx.memory.unembedded("m1", limit=10)] == []
            assert [e.id for e in await tx.memory.unembedded("m2", limit=2)] == ["MEM-1", "MEM-2"]
            live = MemoryFilter(statuses=(MemoryStatus.ACTIVE,))
            near = await tx.memory.near(a, "m1", live, limit=10)
            # MEM-1 shares every cell, MEM-2 some; MEM-3 none; MEM-4 is retired.
            assert [e.id for e, _ in near] == ["MEM-1", "MEM-2"]
            assert all(abs(x - y) < 1e-6 for x, y in zip(near[1][1], b, strict=True))
            assert [e.id for e, _ in await tx.memory.near(a, "m1", live, limit=1)] == ["MEM-1"]
            assert await tx.memory.near(a, "m2", live, limit=10) == []
            on_x = MemoryFilter(topic="x")
            assert [e.id for e, _ in await tx.memory.near(far, "m1", on_x, limit=5)] == []
            assert await tx.memory.near((0.0,) * 16, "m1", live, limit=5) == []
        # A new vector replaces the old one, cells and all; a failed write leaves no trace.
        await commit(storage, lambda tx: tx.memory.set_vector("MEM-1", "m1", far))

        async def set_then_fail(tx: UnitOfWork) -> None:
            await tx.memory.set_vector("MEM-2", "m2", far)
            raise RuntimeError("boom")

        with raises(RuntimeError):
            await commit(storage, set_then_fail)
        async with storage.transaction(write=False) as tx:
            live = MemoryFilter(statuses=(MemoryStatus.ACTIVE,))
            assert [e.id for e, _ in await tx.memory.near(a, "m1", live, limit=5)] == ["MEM-2"]
            found = await tx.memory.near(far, "m1", live, limit=5)
            assert [e.id for e, _ in found] == ["MEM-1", "MEM-3"]
            assert set(await tx.memory.vectors(["MEM-2"], "m1")) == {"MEM-2"}
            assert await tx.memory.vectors(["MEM-2"], "m2") == {}
            # More probes look in more of the query's cells.
            wide = _axis((5, 0.9), (0, 0.1))
            assert [e.id for e, _ in await tx.memory.near(wide, "m1", live, limit=5, probes=2)] == [
                "MEM-2"
            ]


async def check_memory_near_skips_cells_most_entries_hold(make: StorageFactory) -> None:
    """A cell held by over COMMON_CELL entries is skipped, as a stop word is."""
    count = COMMON_CELL + 1

    def vector(i: int) -> tuple[float, ...]:
        return _axis((0, 0.7), (1, 0.6), (2 + i % 60, 0.3), size=64)

    made = [entry(f"MEM-{i}", f"entry {i}") for i in range(1, count + 1)]

    async def store(tx: UnitOfWork) -> None:
        for e in made:
            await tx.memory.add(e)
            await tx.memory.set_vector(e.id, "m", vector(int(e.id[4:])))

    async with make() as storage:
        await commit(storage, store)
        async with storage.transaction(write=False) as tx:
            found = await tx.memory.near(vector(5), "m", MemoryFilter(), limit=100)
            ids = [e.id for e, _ in found]
            assert ids == [f"MEM-{i}" for i in range(1, count + 1) if i % 60 == 5]


async def check_memory_maybe_same_and_any_script(make: StorageFactory) -> None:
    flagged = entry("MEM-1", "Postgres is our database", topic="数据库", maybe_same="MEM-2")
    plain = entry("MEM-2", "We use PostgreSQL", topic="c++")
    sharp = entry("MEM-3", "We use Roslyn", topic="c#")
    async with make() as storage:
        await commit(storage, lambda tx: _add_all(tx, flagged, plain, sharp))
        async with storage.transaction(write=False) as tx:
            assert await tx.memory.get("MEM-1") == flagged
            found = await tx.memory.list(MemoryFilter(maybe_same=True))
            assert [e.id for e in found] == ["MEM-1"]
            assert [e.id for e in await tx.memory.list(MemoryFilter(topic="c#"))] == ["MEM-3"]
            # A topic in any script is found by a word starting it.
            hits = await tx.memory.search(["数据库"], MemoryFilter(), limit=5)
            assert [e.id for e in hits] == ["MEM-1"]
        cleared = flagged.changed(at(1), "x", maybe_same=None)
        await commit(storage, lambda tx: tx.memory.update(cleared))
        async with storage.transaction(write=False) as tx:
            assert await tx.memory.list(MemoryFilter(maybe_same=True)) == []


MEMORY_CHECKS: tuple[Check, ...] = (
    check_memory_round_trip_and_versions,
    check_memory_list_and_filters,
    check_memory_recent,
    check_memory_search,
    check_memory_similar,
    check_memory_many_matches_keep_the_limit,
    check_memory_vectors,
    check_memory_near_skips_cells_most_entries_hold,
    check_memory_maybe_same_and_any_script,
)
