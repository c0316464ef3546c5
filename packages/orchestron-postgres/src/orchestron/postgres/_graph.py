"""The dependency graph, cached in the process and keyed by its version in `meta`.

Every change to `deps` stores the changing transaction's id as `meta.graph`.
Graph changes happen under the write lock, and a transaction gets its id after
taking that lock, so a larger version is a later graph; an id is never reused,
so a version names exactly one set of edges (a rolled-back one is never seen).

The cache holds the edges, a topological order and the downstream counts of one
version. A unit of work that changes the graph follows its changes on a private
copy, which becomes the cached graph when it commits, so a run of
`add_dependency` calls never reloads the graph; a change made by another process
is noticed by its version and reloads it once.

The topological order makes the cycle check cheap: walking prerequisites only
ever goes down the order, so a node placed below the goal cannot lead to it and
is never visited, and "no path" is often known without visiting anything. A new
edge against the order reorders only the nodes between its two ends
(Pearce and Kelly, "A dynamic topological sort algorithm for DAGs", 2006). The
searches and orders themselves are the core's (orchestron.core.graph), shared
with the SQLite store; this module keeps the graph they run on.
"""

from __future__ import annotations

from collections.abc import Iterable

from orchestron.core.graph import (
    downstream_counts,
    reach,
    reorder,
    shortest_path,
    topological_order,
)

__all__ = ["Graph", "GraphCache"]


class Graph:
    """The edges of one graph version, with what is derived from them on demand."""

    def __init__(self, version: str, edges: Iterable[tuple[str, str]]) -> None:
        self.version = version
        self.prereqs: dict[str, set[str]] = {}
        self.dependents: dict[str, set[str]] = {}
        for task, dep in edges:
            self.prereqs.setdefault(task, set()).add(dep)
            self.dependents.setdefault(dep, set()).add(task)
        self._order: dict[str, int] | None = None
        self._low = self._high = 0  # the lowest and highest position in the order
        self._counts: dict[str, int] | None = None

    def edges(self) -> Iterable[tuple[str, str]]:
        return ((t, d) for t, deps in self.prereqs.items() for d in deps)

    def counts(self) -> dict[str, int]:
        if self._counts is None:
            self._counts = downstream_counts(self.edges())
        return self._counts

    def order(self) -> dict[str, int]:
        """Positions with every prerequisite before its dependents (Kahn's algorithm)."""
        if self._order is None:
            nodes = dict.fromkeys((*self.prereqs, *self.dependents))
            waiting = {n: len(self.prereqs.get(n, ())) for n in nodes}
            ordered = topological_order(nodes, self.dependents, waiting=waiting)
            if len(ordered) < len(nodes):  # a cycle (never made by Orchestron): no pruning
                order = dict.fromkeys(nodes, 0)
            else:
                order = dict(zip(ordered, range(len(ordered)), strict=True))
            self._order, self._low, self._high = order, 0, len(order) - 1
        return self._order

    def find_path(self, start: str, goal: str) -> list[str] | None:
        """The reference's breadth-first path (core.graph.find_path), pruned by the order.

        A node below the goal in the order reaches only nodes further below, so the
        search skips it (see shortest_path).
        """
        if start == goal:
            return [start]
        order = self.order()
        floor, top = order.get(goal), order.get(start)
        if floor is None or top is None or top <= floor:
            return None
        return shortest_path(self.prereqs, start, goal, order)

    def apply(self, added: bool, task: str, dep: str) -> None:
        """Change this graph in place: only for a unit of work's private copy."""
        if added:
            self.prereqs.setdefault(task, set()).add(dep)
            self.dependents.setdefault(dep, set()).add(task)
            self._place(task, dep)
        else:
            self.prereqs.get(task, set()).discard(dep)
            self.dependents.get(dep, set()).discard(task)
        self._counts = None

    def changed(self, version: str, diff: list[tuple[bool, str, str]]) -> Graph:
        """This graph with `diff` (added?, task, depends_on) applied, as `version`.

        Copy on write: other units of work may still be reading this one.
        """
        after = Graph(version, ())
        after.prereqs = dict(self.prereqs)
        after.dependents = dict(self.dependents)
        if self._order is not None:  # removing edges never breaks a topological order
            after._order, after._low, after._high = dict(self._order), self._low, self._high
        copied: set[tuple[int, str]] = set()
        for added, task, dep in diff:
            for side, node in ((0, task), (1, dep)):
                if (side, node) not in copied:
                    adjacency = after.dependents if side else after.prereqs
                    adjacency[node] = set(adjacency.get(node, ()))
                    copied.add((side, node))
            after.apply(added, task, dep)
        return after

    def _place(self, task: str, dep: str) -> None:
        """Keep the order valid for the new edge task -> dep (dep must come first).

        A node missing from the order has no other edge, so it may go anywhere: a
        new prerequisite goes below everything, a new dependent above everything.
        An edge against the order moves only the nodes between its ends: those
        `dep` depends on go below those that depend on `task`, in the same slots.
        """
        order = self._order
        if order is None:
            return
        if dep not in order:
            self._low -= 1
            order[dep] = self._low
        if task not in order:
            self._high += 1
            order[task] = self._high
        low, high = order[task], order[dep]
        if high < low:
            return
        above = reach(task, self.dependents, lambda n: order[n] <= high)
        if dep in above:  # a cycle (the store refuses them): give up on the order
            self._order = None
            return
        below = reach(dep, self.prereqs, lambda n: order[n] >= low)
        order.update(reorder(below, above, order))


def _newer(version: str, than: str) -> bool:
    try:
        return int(version) > int(than)
    except ValueError:
        return version != than


class GraphCache:
    """The newest graph this process has seen; shared by its units of work."""

    def __init__(self) -> None:
        self.graph: Graph | None = None

    def get(self, version: str) -> Graph | None:
        graph = self.graph
        return graph if graph is not None and graph.version == version else None

    def keep(self, graph: Graph) -> None:
        """Remember `graph` unless a later version is cached already."""
        if self.graph is None or _newer(graph.version, self.graph.version):
            self.graph = graph

    def committed(
        self, base: str, version: str, diff: list[tuple[bool, str, str]], result: Graph | None
    ) -> None:
        """A unit of work of ours committed `diff` onto graph `base` as `version`;
        `result`, when it kept one, is its private copy of the graph it made."""
        graph = self.graph
        if result is not None and result.version == version:
            if graph is None or graph.version == base:
                self.graph = result
        elif graph is not None and graph.version == base:
            self.graph = graph.changed(version, diff)
