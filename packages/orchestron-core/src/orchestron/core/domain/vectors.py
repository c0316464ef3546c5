"""Vectors of meaning: cosine, a compact byte form for stores, and index cells.

A vector is a tuple of floats of unit length (an `Embedder` makes it). Stores
keep it as little-endian float32 bytes and index it by its cells: each pair of
its largest coordinates (position and sign). Two vectors alike in meaning share
some of their largest coordinates, so the entries sharing the most cells with
a query are its candidate neighbours (a cross-polytope hash, two coordinates a
key so that no key is common to a large part of the store, probed with a few
more coordinates than an entry is filed under); the core then ranks those few
by their cosine.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping, Sequence
from operator import mul

__all__ = [
    "CELLS",
    "COMMON_CELL",
    "PROBES",
    "Vector",
    "cosine",
    "pack",
    "unit",
    "unpack",
    "useful_cells",
    "vector_cells",
]

Vector = tuple[float, ...]
# An entry is filed under the pairs of its CELLS largest coordinates; a query looks under
# the pairs of its PROBES largest.
CELLS = 6
PROBES = 8
# A cell held by more entries than this says little (as a stop word does): a query skips
# it, unless all of its cells are that common, when it keeps its COMMON_KEPT rarest.
COMMON_CELL = 2000
COMMON_KEPT = 4


def useful_cells(cells: Sequence[int], held: Mapping[int, int]) -> tuple[int, ...]:
    """Of a query's cells, those worth looking in, given how many entries hold each."""
    rare = tuple(c for c in cells if held.get(c, 0) <= COMMON_CELL)
    if rare:
        return rare
    return tuple(sorted(cells, key=lambda c: (held.get(c, 0), c))[:COMMON_KEPT])


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """The dot product of two unit vectors (0 when either is empty or of another length)."""
    if len(a) != len(b) or not a:
        return 0.0
    return math.fsum(map(mul, a, b)) if len(a) < 8 else sum(map(mul, a, b))


def unit(values: Sequence[float]) -> Vector:
    norm = math.sqrt(sum(v * v for v in values))
    if norm == 0 or not math.isfinite(norm):
        return tuple(0.0 for _ in values)
    return tuple(v / norm for v in values)


def pack(vector: Sequence[float]) -> bytes:
    """Little-endian float32: 4 bytes a coordinate, the same on every machine."""
    return struct.pack(f"<{len(vector)}f", *vector)


def unpack(data: bytes) -> Vector:
    return struct.unpack(f"<{len(data) // 4}f", data)


def vector_cells(vector: Sequence[float], count: int = CELLS) -> tuple[int, ...]:
    """The cells of a vector: one number for each pair of its `count` largest coordinates
    by size, each coordinate read as 2 * position (+1 when negative). A vector with fewer
    than two coordinates that are not zero has none."""
    ranked = sorted(range(len(vector)), key=lambda i: -abs(vector[i]))[:count]
    signed = sorted(2 * i + (vector[i] < 0) for i in ranked if vector[i] != 0)
    width = 2 * len(vector)
    return tuple(a * width + b for n, a in enumerate(signed) for b in signed[n + 1 :])
