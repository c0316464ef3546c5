"""How well memory judges pairs of claims, on a hand-written labelled set.

    uv run python bench/memory_judgement.py [--pairs bench/data/memory_pairs.tsv] [--show]

Each pair goes to a fresh project through `remember`, the first claim then the
second, as `orchestron memory add` would send them; the outcome is read off the
second: merged (the same claim), disputed (a conflict), added with a
maybe-the-same flag (left for a person), or added (another claim). Three judges:

- meaning + words: the rules of `orchestron.core.domain.judge` with wordllama's vectors
  (what the CLI and MCP server run by default);
- words (new rules): the same rules without an embedding model (the fallback);
- words (before): the rule memory had before judgement (issue 12): merge when the
  words are alike enough, else dispute anything on the same topic key.

Prints accuracy, precision and recall of merge and of dispute, maybe counts, and
the pairs a judge got wrong with its reason (--show). "Silent merges" counts
conflicting pairs that were merged: the one mistake that loses a contradiction.
Budget (issue 24): accuracy >= 90% and no silent merge for the default judge.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
from attrs import frozen

from orchestron.core import Orchestron
from orchestron.core.domain.recall import claim_similarity
from orchestron.core.ports import Embedder
from orchestron.core.testing import FixedClock, MemoryStorage

HERE = Path(__file__).parent
LABELS = {"merge": "merged", "dispute": "disputed", "keep": "added"}
ACCURACY_BUDGET = 0.90


@frozen
class Pair:
    label: str
    kind: str
    first_topic: str
    first: str
    second_topic: str
    second: str


def load(path: Path) -> list[Pair]:
    pairs = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 6 or fields[0] not in LABELS:
            raise SystemExit(f"{path}:{n}: want 6 tab-separated fields, outcome first")
        pairs.append(Pair(*fields))
    return pairs


Judge = Callable[[Pair], Awaitable[tuple[str, str]]]


def service_judge(embedder: Embedder | None) -> Judge:
    async def run(pair: Pair) -> tuple[str, str]:
        app = Orchestron(MemoryStorage(), FixedClock(), actor="bench", embedder=embedder)
        await app.remember(pair.first, kind=pair.kind, topic=pair.first_topic)
        result = await app.remember(pair.second, kind=pair.kind, topic=pair.second_topic)
        outcome = "maybe" if result.maybe is not None else result.outcome
        return outcome, result.reason

    return run


async def words_before(pair: Pair) -> tuple[str, str]:
    """Issue 12's rule, kept here to compare against: alike words (0.6 on one topic key,
    0.85 across keys) merge unless numbers differ or one negates; a different claim on
    the same key is disputed."""
    from orchestron.core.domain.memory import normalise_topic
    from orchestron.core.domain.terms import NEGATIONS

    def numbers(text: str) -> set[str]:
        return {w for w in text.lower().split() if any(c.isdigit() for c in w)}

    def negated(text: str) -> bool:
        return bool(NEGATIONS & set(text.lower().replace("n't", " not").split()))

    a, b = normalise_topic(pair.first_topic), normalise_topic(pair.second_topic)
    score = claim_similarity(pair.first, pair.second)
    needed = 0.6 if a == b else 0.85
    distinct = numbers(pair.first) != numbers(pair.second) or negated(pair.first) != negated(
        pair.second
    )
    if score >= needed and not distinct:
        return "merged", f"words alike ({score:.2f})"
    if a == b:
        return "disputed", "another claim on the same topic key"
    return "added", "another topic key"


@frozen
class Scores:
    name: str
    right: int
    total: int
    table: Counter[tuple[str, str]]
    wrong: list[tuple[Pair, str, str]]

    def precision(self, outcome: str) -> float:
        said = sum(n for (_, got), n in self.table.items() if got == outcome)
        return self.table[(outcome, outcome)] / said if said else 0.0

    def recall(self, outcome: str) -> float:
        truth = sum(n for (want, _), n in self.table.items() if want == outcome)
        return self.table[(outcome, outcome)] / truth if truth else 0.0

    @property
    def silent_merges(self) -> int:
        return self.table[("disputed", "merged")]

    @property
    def maybes(self) -> int:
        return sum(n for (_, got), n in self.table.items() if got == "maybe")


async def score(name: str, judge: Judge, pairs: list[Pair]) -> Scores:
    table: Counter[tuple[str, str]] = Counter()
    wrong = []
    right = 0
    for pair in pairs:
        got, why = await judge(pair)
        want = LABELS[pair.label]
        table[(want, got)] += 1
        if got == want:
            right += 1
        else:
            wrong.append((pair, got, why))
    return Scores(name, right, len(pairs), table, wrong)


def report(results: list[Scores], show: bool) -> None:
    head = (
        f"{'judge':<18} {'accuracy':>9} {'merge P':>8} {'merge R':>8} {'dispute P':>10} "
        f"{'dispute R':>10} {'maybe':>6} {'silent merges':>14}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        print(
            f"{r.name:<18} {r.right / r.total:>8.1%} {r.precision('merged'):>8.1%} "
            f"{r.recall('merged'):>8.1%} {r.precision('disputed'):>10.1%} "
            f"{r.recall('disputed'):>10.1%} {r.maybes:>6} {r.silent_merges:>14}"
        )
    first = results[0]
    ok = first.right / first.total >= ACCURACY_BUDGET and first.silent_merges == 0
    print(
        f"\n{first.name}: {first.right}/{first.total} right; budget >= {ACCURACY_BUDGET:.0%} "
        f"and no silent merge: {'PASS' if ok else 'OVER'}"
    )
    if show:
        for r in results:
            print(f"\n{r.name}: wrong on {len(r.wrong)}")
            for pair, got, why in r.wrong:
                print(
                    f"  want {LABELS[pair.label]:<8} got {got:<8} {pair.first!r} / {pair.second!r}"
                )
                print(f"      why: {why}")


async def main(path: Path, show: bool) -> None:
    from orchestron.wordllama import WordLlamaEmbedder

    pairs = load(path)
    counts = Counter(p.label for p in pairs)
    print(f"{len(pairs)} pairs from {path}: " + ", ".join(f"{counts[k]} {k}" for k in LABELS))
    results = [
        await score("meaning + words", service_judge(WordLlamaEmbedder()), pairs),
        await score("words (new rules)", service_judge(None), pairs),
        await score("words (before)", words_before, pairs),
    ]
    report(results, show)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=HERE / "data" / "memory_pairs.tsv")
    parser.add_argument("--show", action="store_true", help="list the pairs judged wrong")
    args = parser.parse_args()
    anyio.run(main, args.pairs, args.show)
