"""Pure functions over the dependency graph: the one home of its searches and orders.

Edges are (task, depends_on). Both stores and the dashboard use these, each
over the adjacency it holds: the stores keep a topological order up to date as
edges arrive (Pearce and Kelly, "A dynamic topological sort algorithm for
directed acyclic graphs", 2006) from `reach` and `reorder` here, SQLite walking
its tables for the reach and PostgreSQL its cached graph.

No networkx here: the CLI imports this module on every call and networkx costs
a noticeable share of start-up, and these run on plain dicts the stores already
hold; the dashboard uses networkx for the critical path.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from orchestron.core.domain.task import Task

__all__ = [
    "describe_cycle",
    "downstream_counts",
    "find_path",
    "layers",
    "neighbours",
    "reach",
    "ready_order_key",
    "reorder",
    "shortest_path",
    "topological_order",
    "unplaced_cycle",
]

N = TypeVar("N", bound=Hashable)


def find_path(edges: Iterable[tuple[str, str]], start: str, goal: str) -> list[str] | None:
    """Shortest chain start -> ... -> goal following depends-on edges, or None."""
    adj: dict[str, list[str]] = {}
    for task, dep in edges:
        adj.setdefault(task, []).append(dep)
    return shortest_path(adj, start, goal)


def shortest_path(
    prereqs: Mapping[str, Iterable[str]],
    start: str,
    goal: str,
    order: Mapping[str, int] | None = None,
) -> list[str] | None:
    """Breadth-first chain start -> ... -> goal through `prereqs`, or None.

    Neighbours are tried in sorted order, so every store names the same chain for
    the same graph. Given a topological `order` of every node (prerequisites
    lower), nodes below the goal are skipped: following prerequisites only goes
    down, so such a node is never on a chain to the goal nor the parent of a
    node that is, and the chain found is the same.
    """
    floor = order[goal] if order is not None else 0
    parent: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while (prev := parent[path[-1]]) is not None:
                path.append(prev)
            return path[::-1]
        for nxt in sorted(prereqs.get(node, ())):
            if nxt not in parent and (order is None or order[nxt] >= floor):
                parent[nxt] = node
                queue.append(nxt)
    return None


def reach(start: N, neighbours: Mapping[N, Iterable[N]], within: Callable[[N], bool]) -> set[N]:
    """`start` and every node reached from it through nodes that are `within`."""
    seen = {start}
    stack = [start]
    while stack:
        for nxt in neighbours.get(stack.pop(), ()):
            if nxt not in seen and within(nxt):
                seen.add(nxt)
                stack.append(nxt)
    return seen


def reorder(
    below: Collection[N], above: Collection[N], order: Mapping[N, int]
) -> list[tuple[N, int]]:
    """New positions after an edge task -> dep that runs against a topological `order`.

    `below` is dep and its prerequisites placed at or above the task, `above` the
    task and its dependents placed at or below dep (the two are apart, else the
    edge closes a cycle). Pearce and Kelly: those nodes move into the positions
    they held, `below` first, each group in its old order, so only they change
    and the order is valid again.
    """
    moved = sorted(below, key=order.__getitem__) + sorted(above, key=order.__getitem__)
    return list(zip(moved, sorted(order[n] for n in moved), strict=True))


def topological_order(
    nodes: Iterable[N],
    dependents: Mapping[N, Iterable[N]],
    rank: Callable[[N], Any] | None = None,
    *,
    waiting: Mapping[N, int] | None = None,
) -> list[N]:
    """`nodes` with every prerequisite before its dependents (Kahn's algorithm).

    `dependents` maps a node to those that depend on it, each of them among
    `nodes`. With `rank`, the free node of lowest rank comes next (an order that
    is valid already stays as it is); without, the first freed. Nodes on a cycle
    and all that depend on them are left out: a shorter result means a cycle.
    `waiting`, each node's number of prerequisites, saves counting them when the
    caller holds them already.
    """
    if waiting is None:
        counts = dict.fromkeys(nodes, 0)
        for outs in dependents.values():
            for node in outs:
                counts[node] += 1
    else:
        counts = dict(waiting)
    free = [n for n, count in counts.items() if count == 0]
    order: list[N] = []
    if rank is None:
        queue = deque(free)
        while queue:
            node = queue.popleft()
            order.append(node)
            for nxt in dependents.get(node, ()):
                counts[nxt] -= 1
                if counts[nxt] == 0:
                    queue.append(nxt)
        return order
    # The node itself breaks ties between equal ranks, as in a sort by (rank, node).
    heap: list[tuple[Any, Any]] = [(rank(n), n) for n in free]
    heapq.heapify(heap)
    while heap:
        node = heapq.heappop(heap)[1]
        order.append(node)
        for nxt in dependents.get(node, ()):
            counts[nxt] -= 1
            if counts[nxt] == 0:
                heapq.heappush(heap, (rank(nxt), nxt))
    return order


def unplaced_cycle(edges: Iterable[tuple[N, N]], placed: Collection[N]) -> list[N]:
    """A cycle among the nodes a topological order left out (`placed` are the rest).

    Each node left out waits for a prerequisite also left out, so following
    those from any of them comes back round. The first node ends the list too.
    """
    prereqs = {t: d for t, d in edges if t not in placed and d not in placed}
    node = next(iter(prereqs))
    seen: dict[N, int] = {}
    while node not in seen:
        seen[node] = len(seen)
        node = prereqs[node]
    chain = list(seen)
    return [*chain[seen[node] :], node]


def neighbours(
    nodes: Iterable[N], edges: Iterable[tuple[N, N]]
) -> tuple[dict[N, list[N]], dict[N, list[N]]]:
    """The prerequisites and the dependents of each of `nodes`, by the edges
    between two of them (the others are left out)."""
    prereqs: dict[N, list[N]] = {n: [] for n in nodes}
    dependents: dict[N, list[N]] = {n: [] for n in prereqs}
    for task, dep in edges:
        if task in prereqs and dep in prereqs:
            prereqs[task].append(dep)
            dependents[dep].append(task)
    return prereqs, dependents


def layers(nodes: Sequence[N], edges: Iterable[tuple[N, N]]) -> list[list[N]]:
    """`nodes` by depth, each one layer after its deepest prerequisite.

    Within a layer, nodes keep their order in `nodes`; edges with an end outside
    `nodes` are ignored, and a node on a cycle (never stored) goes to layer 0.
    """
    prereqs, dependents = neighbours(nodes, edges)
    depth = dict.fromkeys(nodes, 0)
    for node in topological_order(nodes, dependents):
        for dep in prereqs[node]:
            depth[node] = max(depth[node], depth[dep] + 1)
    grouped: list[list[N]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for node in nodes:
        grouped[depth[node]].append(node)
    return grouped


def describe_cycle(task_id: str, path_back: list[str]) -> str:
    """`path_back` runs from the new prerequisite to `task_id`; the new edge closes it."""
    return " -> ".join([task_id, *path_back])


def downstream_counts(edges: Iterable[tuple[str, str]]) -> dict[str, int]:
    """For each task, how many tasks depend on it directly or transitively.

    Sets of dependents are Python ints used as bitsets, filled in reverse
    topological order, so 10,000 tasks with 30,000 edges take milliseconds.
    """
    dependents: dict[str, list[str]] = {}
    nodes: set[str] = set()
    for task, dep in edges:
        dependents.setdefault(dep, []).append(task)
        nodes.update((task, dep))
    order = topological_order(nodes, dependents)
    # Bits are numbered in reverse topological order, so the sets near the sinks
    # are small ints; each node's closed set (itself plus its dependents) is built
    # once and OR-ed into its prerequisites, one big-int operation per edge.
    closed: dict[str, int] = {}
    counts: dict[str, int] = {}
    for bit, n in enumerate(reversed(order)):
        bits = 0
        for t in dependents.get(n, ()):
            bits |= closed[t]
        if bits:
            counts[n] = bits.bit_count()
        closed[n] = bits | (1 << bit)
    return counts


def ready_order_key(task: Task, downstream: int, in_active_sprint: bool) -> tuple[object, ...]:
    """Deterministic next-task order: sprint, priority, work unblocked, age, id."""
    head, _, tail = task.id.rpartition("-")
    number = int(tail) if tail.isdigit() else 0
    return (
        not in_active_sprint,
        task.priority.rank,
        -downstream,
        task.created_at,
        head,
        number,
    )
