"""Plain text measures for memory: words, likeness of wording, relevance and ties.

No model, no index: the same pure functions rank entries whatever the store,
so the fake and every adapter give the same order. A store's full-text index
only narrows the candidates.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from attrs import field, frozen

from orchestron.core.domain.memory import MemoryEntry, MemoryStatus, fold_accents, path_related

__all__ = [
    "Focus",
    "blend",
    "blend_key",
    "claim_similarity",
    "content_words",
    "query_terms",
    "rank_key",
    "relevance",
    "text_bands",
    "tie_score",
    "words",
]


_WORD = re.compile(r"[^\W_]+")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "this",
        "those",
        "to",
        "too",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
    ]
)


def words(text: str | None) -> list[str]:
    """Lower-case words without accents, split as SQLite FTS5's unicode61 splits them."""
    if not text:
        return []
    return _WORD.findall(fold_accents(text).lower())


def content_words(text: str | None) -> list[str]:
    found = words(re.sub(r"n't\b", " not", text or "", flags=re.IGNORECASE))
    kept = [w for w in found if w not in STOPWORDS]
    return kept or found


def query_terms(query: str | None, *, limit: int = 12) -> tuple[str, ...]:
    """The words a search looks for: stop words dropped (unless that leaves none), deduplicated."""
    seen: dict[str, None] = {}
    for w in content_words(query):
        seen.setdefault(w)
    return tuple(seen)[:limit]


# -- near-duplicates -----------------------------------------------------------------------


def _trigrams(tokens: Iterable[str]) -> set[str]:
    grams: set[str] = set()
    for t in tokens:
        padded = f" {t} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@frozen
class _Features:
    words: frozenset[str]
    trigrams: frozenset[str]


@functools.lru_cache(maxsize=8192)
def _features(text: str) -> _Features:
    found = set(content_words(text))
    return _Features(words=frozenset(found), trigrams=frozenset(_trigrams(found)))


def claim_similarity(a: str, b: str) -> float:
    """0..1: the larger of word overlap and character-trigram overlap (Jaccard)."""
    fa, fb = _features(a), _features(b)
    return max(_jaccard(fa.words, fb.words), _jaccard(fa.trigrams, fb.trigrams))


# MinHash over the words of a text, in BANDS bands of ROWS hashes: two texts with word
# overlap (Jaccard) J share a band with probability 1 - (1 - J**ROWS)**BANDS, which is
# 0.99 at J = 0.85 and under 0.3% at J = 0.2. A store indexes the bands, so finding
# the candidates for a duplicate costs a few index lookups, however common the words.
BANDS = 8
ROWS = 5
_PRIME = (1 << 61) - 1


# hashlib and random load when memory is first used, not on every CLI call.
@functools.cache
def _coeffs() -> tuple[tuple[int, int], ...]:
    import random

    r = random.Random(20261124)
    return tuple((r.randrange(1, _PRIME), r.randrange(0, _PRIME)) for _ in range(BANDS * ROWS))


def _blake(data: bytes) -> bytes:
    import hashlib

    return hashlib.blake2b(data, digest_size=8).digest()


def _word_hash(word: str) -> int:
    return int.from_bytes(_blake(word.encode()), "big")


@functools.lru_cache(maxsize=8192)
def text_bands(text: str) -> tuple[int, ...]:
    """The MinHash bands of a text's words: signed 64-bit numbers a store can index."""
    bases = [_word_hash(w) for w in sorted(set(content_words(text)))] or [0]
    mins = [min((a * x + b) % _PRIME for x in bases) for a, b in _coeffs()]
    bands = []
    for i in range(BANDS):
        chunk = ",".join(str(m) for m in mins[i * ROWS : (i + 1) * ROWS])
        digest = _blake(f"{i}:{chunk}".encode())
        bands.append(int.from_bytes(digest, "big", signed=True))
    return tuple(bands)


# -- relevance and ranking -----------------------------------------------------------------


def _labels(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@frozen
class Focus:
    """The work in hand: its task, that task's labels, and the files it touches."""

    task_id: str | None = None
    labels: tuple[str, ...] = field(default=(), converter=_labels)
    files: tuple[str, ...] = field(default=(), converter=_labels)

    @property
    def empty(self) -> bool:
        return not (self.task_id or self.labels or self.files)


def relevance(terms: Sequence[str], entry: MemoryEntry) -> int:
    """Each query word found counts 3 in the topic, 2 in the text, 1 in the rationale.

    A word matches a word of the entry that starts with it (`migrat` finds
    `migrations`), as an FTS5 prefix query does.
    """
    if not terms:
        return 0
    fields = (
        (3, words(entry.topic)),
        (2, words(entry.text)),
        (1, words(entry.rationale)),
    )
    score = 0
    for term in terms:
        for weight, found in fields:
            if any(w.startswith(term) for w in found):
                score += weight
                break
    return score


def tie_score(entry: MemoryEntry, focus: Focus) -> int:
    """How closely an entry is tied to the work in hand.

    Said on that task 4, about a file it touches (or a folder holding it) 3,
    topic or wording naming one of its labels 2; summed.
    """
    if focus.empty:
        return 0
    score = 0
    if focus.task_id and focus.task_id in entry.tasks:
        score += 4
    if focus.files and any(path_related(f, g) for f in entry.files for g in focus.files):
        score += 3
    if focus.labels:
        said = {entry.topic, *words(entry.topic), *words(entry.text)}
        for label in focus.labels:
            parts = words(label)
            if label in said or (parts and all(p in said for p in parts)):
                score += 2
                break
    return score


def recency(entry: MemoryEntry) -> datetime:
    return entry.last_confirmed


def rank_key(
    entry: MemoryEntry, terms: Sequence[str], focus: Focus
) -> tuple[int, int, float, int, str]:
    """Sort key, best first: relevance, then ties to the work, then recency, then id."""
    number = entry.id.rpartition("-")[2]
    return (
        -relevance(terms, entry),
        -tie_score(entry, focus),
        -recency(entry).timestamp(),
        -int(number) if number.isdigit() else 0,
        entry.id,
    )


def blend(terms: Sequence[str], entry: MemoryEntry, meaning: float | None) -> float:
    """0..2: relevance to the query's words (a share of the most it could be) plus the
    entry's meaning beside the query (its cosine, when an embedding model is wired in)."""
    words_part = relevance(terms, entry) / (3 * len(terms)) if terms else 0.0
    return words_part + max(0.0, meaning or 0.0)


def blend_key(
    entry: MemoryEntry, terms: Sequence[str], focus: Focus, meaning: float | None
) -> tuple[float, int, float, int, str]:
    """Sort key, best first: words and meaning, then ties to the work, then recency, then id.
    Without meaning it orders as relevance alone does."""
    number = entry.id.rpartition("-")[2]
    return (
        -blend(terms, entry, meaning),
        -tie_score(entry, focus),
        -recency(entry).timestamp(),
        -int(number) if number.isdigit() else 0,
        entry.id,
    )


def is_disputed(entry: MemoryEntry) -> bool:
    return entry.status is MemoryStatus.DISPUTED
