"""Vectors of meaning: cosine, a compact byte form for stores, and index cells.

A vector is a tuple of floats of unit length (an `Embedder` makes it). Stores
keep it as little-endian float32 bytes and index it by its cells: the
positions of its largest coordinates, each with its sign. Two vectors alike in
meaning share some of their largest coordinates, so the entries sharing the
most cells with a query are its candidate neighbours (a cross-polytope hash
with several probes); the core then ranks those few by their cosine.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from operator import mul

__all__ = ["CELLS", "Vector", "cosine", "pack", "unit", "unpack", "vector_cells"]

Vector = tuple[float, ...]
# How many cells index an entry, and how many a query looks in.
CELLS = 8


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
    """The cells of a vector: 2 * position (+1 when negative) of its `count` largest
    coordinates by size, largest first. A zero vector has none."""
    ranked = sorted(range(len(vector)), key=lambda i: -abs(vector[i]))[:count]
    return tuple(2 * i + (vector[i] < 0) for i in ranked if vector[i] != 0)
