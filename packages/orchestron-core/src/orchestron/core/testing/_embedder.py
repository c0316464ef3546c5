"""A deterministic Embedder for tests: words grouped into concepts, each concept a fixed
random direction.

Texts sharing concepts point the same way, so "how do we ship to production"
finds "Deploys go out from main" without a word in common, as a real model
would; unrelated texts are nearly orthogonal. Everything is computed from the
words, so every run, store and process gets the same vectors.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence

from orchestron.core.domain.terms import analyse
from orchestron.core.domain.vectors import Vector, unit

__all__ = ["CONCEPTS", "FakeEmbedder"]

DIMENSIONS = 64

# Words that mean one thing, for the fake's purposes.
CONCEPTS: Mapping[str, Iterable[str]] = {
    "deploy": ["deploy", "ship", "production", "rollout", "go-live", "publish"],
    "time": ["timezone", "utc", "clock", "time", "timestamp"],
    "database": ["database", "postgresql", "mysql", "sqlite", "mariadb", "persistence"],
    "test": ["test", "pytest", "unittest", "suite"],
    "style": ["indentation", "indent", "tabs", "spaces", "formatter", "whitespace"],
    "queue": ["queue", "celery", "rabbitmq", "kafka", "job", "worker", "background"],
}


@functools.lru_cache(maxsize=4096)
def _direction(concept: str) -> Vector:
    """A fixed pseudo-random unit vector for a concept (Box-Muller over blake2b bytes)."""
    digest = b""
    counter = 0
    while len(digest) < DIMENSIONS * 4:
        digest += hashlib.blake2b(f"{counter}:{concept}".encode(), digest_size=64).digest()
        counter += 1
    values = []
    for i in range(DIMENSIONS):
        u1 = (int.from_bytes(digest[4 * i : 4 * i + 2], "big") + 1) / 65537
        u2 = int.from_bytes(digest[4 * i + 2 : 4 * i + 4], "big") / 65536
        values.append(math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2))
    return unit(values)


class FakeEmbedder:
    """Texts to 64-dimension vectors: the sum of their concepts' directions."""

    def __init__(self, concepts: Mapping[str, Iterable[str]] = CONCEPTS) -> None:
        self._concept = {w: name for name, found in concepts.items() for w in found}
        self.model = "fake-concepts-64"
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> list[Vector]:
        self.calls += 1
        return [self._one(t) for t in texts]

    def _one(self, text: str) -> Vector:
        total = [0.0] * DIMENSIONS
        for term in analyse(text).terms:
            concept = self._concept.get(term, term)
            # A word named in a concept counts for it mostly, and a little for itself.
            for direction, weight in ((concept, 1.0), (term, 0.35 if concept != term else 0)):
                if weight:
                    for i, v in enumerate(_direction(direction)):
                        total[i] += weight * v
        return unit(total)
