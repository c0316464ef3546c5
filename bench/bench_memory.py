"""Project memory on SQLite: recall and remember (with judgement) at 50,000 entries.

    uv run python bench/bench_memory.py [--entries 50000] [--rounds 300] [--seed 7]
        [--corpus claims|words] [--embedder wordllama|none] [--db PATH]

Every entry has its wordllama vector (256 floats) and cells, as the CLI and MCP
server keep them. Budgets: recall p50 < 20 ms (issue 12, and issue 24 with
vectors); remember with judgement p50 < 15 ms (issue 24), both at 50,000
entries. `--embedder none` runs the words-only fallback (issue 12's remember
budget was 10 ms). `--corpus claims` (default) fills with developer claims made
from templates (clustered like a real memory, the hard case for the vector
cells); `words` with made-up words. Prints figures with PASS/OVER; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio

from _claims import QUESTIONS, claim
from orchestron.core import MemoryEntry, MemoryKind, MemoryStatus, Orchestron, Provenance
from orchestron.core.ports import Embedder
from orchestron.runtime import SystemClock
from orchestron.sqlite import SqliteStorage

RECALL_BUDGET_MS = 20.0
REMEMBER_BUDGET_MS = 15.0

_ONSETS = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "z",
    "br",
    "cl",
    "dr",
    "fl",
    "gr",
    "pl",
    "st",
    "tr",
    "ch",
    "sh",
    "th",
]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]
_CODAS = ["", "", "", "n", "r", "s", "t", "l", "m", "ng", "st", "rk"]


def vocabulary(rng: random.Random, size: int) -> list[str]:
    """Made-up words (`trousing`) in random order: rank (and so frequency) owes nothing
    to spelling, as in a natural language, so prefix families are not all frequent."""
    words: set[str] = set()
    while len(words) < size:
        syllables = rng.choices([1, 2, 3], weights=[2, 5, 3])[0]
        words.add(
            "".join(
                rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                for _ in range(syllables)
            )
        )
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


class Corpus:
    def __init__(self, rng: random.Random, words: int = 8000, topics: int = 4000) -> None:
        self.rng = rng
        self.words = vocabulary(rng, words)
        # Zipf: the word of rank r is used about 1/r as often as the most common one.
        self.weights = [1 / (rank + 1) for rank in range(len(self.words))]
        self.topics = [f"{a}-{b}" for a, b in zip(self.words[::2], self.words[1::2], strict=False)]
        self.topics = self.topics[:topics]

    claims = False

    def text(self, n: int) -> str:
        if self.claims:
            return claim(self.rng)
        picked = self.rng.choices(self.words, weights=self.weights, k=n)
        return " ".join(picked).capitalize()

    def query(self) -> str:
        if self.claims:
            return self.rng.choice(QUESTIONS)
        # Queries use mid-frequency words, as people search for specific things.
        return " ".join(self.rng.sample(self.words[20:2000], self.rng.randint(1, 3)))


async def fill(
    storage: SqliteStorage, corpus: Corpus, entries: int, embedder: Embedder | None
) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    kinds = list(MemoryKind)
    batch = 5000
    for first in range(1, entries + 1, batch):
        async with storage.transaction() as tx:
            made: list[MemoryEntry] = []
            for n in range(first, min(entries, first + batch - 1) + 1):
                at = start + timedelta(minutes=n)
                files = (f"src/{corpus.rng.choice(corpus.words[:300])}.py",)
                made.append(
                    MemoryEntry(
                        id=f"MEM-{n:03d}",
                        kind=corpus.rng.choice(kinds),
                        topic=corpus.rng.choice(corpus.topics),
                        text=corpus.text(corpus.rng.randint(8, 30)),
                        rationale=corpus.text(12) if n % 3 == 0 else None,
                        created_at=at,
                        updated_at=at,
                        last_confirmed=at,
                        provenance=(Provenance(at=at, agent=f"agent-{n % 7}", files=files),),
                        status=MemoryStatus.ACTIVE if n % 10 else MemoryStatus.SUPERSEDED,
                        updated_by="bench",
                    )
                )
            for e in made:
                await tx.memory.add(e)
            if embedder is not None:
                vectors = embedder.embed([e.text for e in made])
                for e, v in zip(made, vectors, strict=True):
                    await tx.memory.set_vector(e.id, embedder.model, v)
        async with storage.transaction() as tx:
            await tx.next_number("MEM")
    async with storage.transaction() as tx:  # the id counter past the filled entries
        while await tx.next_number("MEM") < entries:
            pass


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(name: str, values: list[float], budget: float) -> None:
    p50, p95 = _pct(values, 50) * 1000, _pct(values, 95) * 1000
    verdict = "PASS" if p50 < budget else "OVER"
    print(f"{name:<44} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  budget p50 < {budget:g} ms  {verdict}")


def make_embedder(name: str) -> Embedder | None:
    if name == "none":
        return None
    from orchestron.wordllama import WordLlamaEmbedder

    embedder = WordLlamaEmbedder()
    embedder.embed(["warm up: load the model before timing"])
    return embedder


async def main(
    entries: int, rounds: int, seed: int, keep: str | None, kind: str, embedder_name: str
) -> None:
    rng = random.Random(seed)
    corpus = Corpus(rng)
    corpus.claims = kind == "claims"
    embedder = make_embedder(embedder_name)
    print(f"corpus: {kind}; embedder: {embedder.model if embedder else 'none (words only)'}")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(keep) if keep else Path(folder) / "bench.db"
        filled = db.exists()
        storage = await SqliteStorage.open(db)
        try:
            if not filled:
                began = time.perf_counter()
                await fill(storage, corpus, entries, embedder)
                size = db.stat().st_size / 1e6
                took = time.perf_counter() - began
                print(f"filled {entries} entries in {took:.1f} s ({size:.0f} MB)")
            else:
                print(f"reusing {db} (its entries as they are; it grows with each run)")
            app = Orchestron(storage, SystemClock(), actor="bench", embedder=embedder)
            floor = await floor_rounds(app, rounds)
            task = await app.create_task("Bench task", labels=[corpus.words[40]])
            await recall_rounds(app, corpus, rounds, task.id)
            fresh = await remember_rounds(app, corpus, rounds)
            print(
                f"floor (this run): a write with one update (confirm) p50 {floor * 1000:.2f} ms;"
                f" remember with judgement costs {_pct(fresh, 50) / floor:.0f} times that"
            )
        finally:
            await storage.close()


async def floor_rounds(app: Orchestron, rounds: int) -> float:
    """The cost of the smallest write a door makes, to read the other figures against on a
    busy machine: confirming one entry (one unit of work, one update, one event)."""
    page = await app.list_memory(status="active", limit=1)
    entry_id = page.entries[0].id
    took = []
    for _ in range(max(50, rounds // 3)):
        t = time.perf_counter()
        await app.confirm(entry_id)
        took.append(time.perf_counter() - t)
    return _pct(took, 50)


async def recall_rounds(app: Orchestron, corpus: Corpus, rounds: int, task_id: str) -> None:
    plain, tied, empty, index = [], [], [], []
    for _ in range(rounds):
        query = corpus.query()
        t = time.perf_counter()
        await app.recall(query)
        plain.append(time.perf_counter() - t)
        t = time.perf_counter()
        await app.recall(query, task_id=task_id, files=["src/" + corpus.words[5] + ".py"])
        tied.append(time.perf_counter() - t)
    for _ in range(max(20, rounds // 5)):
        t = time.perf_counter()
        await app.recall(task_id=task_id)
        empty.append(time.perf_counter() - t)
        t = time.perf_counter()
        await app.memory_index(task_id)
        index.append(time.perf_counter() - t)
    report("recall(query)", plain, RECALL_BUDGET_MS)
    report("recall(query, task, files)", tied, RECALL_BUDGET_MS)
    report("recall(task) without a query", empty, RECALL_BUDGET_MS)
    report("memory_index(task) (resume)", index, RECALL_BUDGET_MS)


async def remember_rounds(app: Orchestron, corpus: Corpus, rounds: int) -> list[float]:
    fresh, again, outcomes = [], [], []
    said: list[tuple[str, str]] = []
    for n in range(rounds):
        topic = f"bench-{n}"
        text = corpus.text(corpus.rng.randint(8, 30))
        t = time.perf_counter()
        result = await app.remember(text, kind="fact", topic=topic)
        fresh.append(time.perf_counter() - t)
        outcomes.append(result.outcome)
        said.append((topic, text))
    for topic, text in said:
        t = time.perf_counter()
        result = await app.remember(text.lower(), kind="fact", topic=topic, actor="other")
        again.append(time.perf_counter() - t)
        outcomes.append(result.outcome)
    report("remember (new claim, judged)", fresh, REMEMBER_BUDGET_MS)
    report("remember (said again: merged)", again, REMEMBER_BUDGET_MS)
    counts = {o: outcomes.count(o) for o in sorted(set(outcomes))}
    print(
        f"outcomes: {counts}; mean of all remember calls "
        f"{statistics.mean(fresh + again) * 1000:.2f} ms"
    )
    return fresh


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", help="keep the filled database here (reused if it exists)")
    parser.add_argument("--corpus", choices=["claims", "words"], default="claims")
    parser.add_argument("--embedder", choices=["wordllama", "none"], default="wordllama")
    args = parser.parse_args()
    anyio.run(main, args.entries, args.rounds, args.seed, args.db, args.corpus, args.embedder)
