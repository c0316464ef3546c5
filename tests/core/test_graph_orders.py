"""The core's graph orders and searches, the ones both stores and the dashboard use,
checked against plain definitions on seeded random graphs."""

from __future__ import annotations

import random
from functools import cache
from itertools import pairwise

import pytest

from orchestron.core.graph import (
    find_path,
    layers,
    reach,
    reorder,
    shortest_path,
    topological_order,
    unplaced_cycle,
)

SEEDS = range(12)


def _dag(rnd: random.Random, nodes: int, edges: int) -> tuple[list[str], set[tuple[str, str]]]:
    """Tasks t0..tN in a shuffled list; each edge runs from a higher number to a lower."""
    names = [f"t{n:03d}" for n in range(nodes)]
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < edges:
        high = rnd.randrange(1, nodes)
        pairs.add((names[high], names[rnd.randrange(0, high)]))
    rnd.shuffle(names)
    return names, pairs


def _dependents(edges: set[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for task, dep in sorted(edges):
        out.setdefault(dep, []).append(task)
    return out


def _valid(order: dict[str, int], edges: set[tuple[str, str]]) -> bool:
    return all(order[dep] < order[task] for task, dep in edges)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_topological_order_puts_every_prerequisite_first(seed: int) -> None:
    rnd = random.Random(seed)
    names, edges = _dag(rnd, 60, 150)
    for rank in (None, names.index):
        order = topological_order(names, _dependents(edges), rank=rank)
        assert sorted(order) == sorted(names)
        assert _valid({n: i for i, n in enumerate(order)}, edges)


def test_a_ranked_order_that_is_valid_already_stays_as_it_is() -> None:
    names, edges = _dag(random.Random(7), 40, 90)
    valid = topological_order(names, _dependents(edges))
    assert topological_order(names, _dependents(edges), rank=valid.index) == valid


@pytest.mark.parametrize("seed", SEEDS)
def test_a_cycle_leaves_nodes_out_and_is_named_by_real_edges(seed: int) -> None:
    rnd = random.Random(seed)
    names, edges = _dag(rnd, 30, 60)
    task, dep = rnd.choice(sorted(edges))
    back = find_path(edges, task, dep)
    assert back is not None
    edges.add((dep, task))  # closes task -> ... -> dep -> task
    order = topological_order(names, _dependents(edges))
    assert len(order) < len(names)
    cycle = unplaced_cycle(edges, set(order))
    assert cycle[0] == cycle[-1] and len(cycle) > 2
    assert all(edge in edges for edge in pairwise(cycle))
    assert not set(cycle) & set(order)


@pytest.mark.parametrize("seed", SEEDS)
def test_reordering_after_an_edge_against_the_order_keeps_it_valid_and_moves_only_between(
    seed: int,
) -> None:
    """Pearce and Kelly as both stores run it: reach both ways, then reorder."""
    rnd = random.Random(seed)
    names, edges = _dag(rnd, 80, 160)
    order = {n: i * 3 for i, n in enumerate(topological_order(names, _dependents(edges)))}
    prereqs: dict[str, set[str]] = {}
    dependents: dict[str, set[str]] = {}
    for task, dep in edges:
        prereqs.setdefault(task, set()).add(dep)
        dependents.setdefault(dep, set()).add(task)
    added = 0
    while added < 40:
        task, dep = rnd.sample(names, 2)
        if (task, dep) in edges or find_path(edges, dep, task) is not None:
            continue  # already there, or it would close a cycle
        low, high = order[task], order[dep]
        before = dict(order)
        edges.add((task, dep))
        prereqs.setdefault(task, set()).add(dep)
        dependents.setdefault(dep, set()).add(task)
        added += 1
        if high < low:
            continue  # with the order: nothing moves
        above = reach(task, dependents, lambda n, high=high: order[n] <= high)
        below = reach(dep, prereqs, lambda n, low=low: order[n] >= low)
        assert not above & below
        order.update(reorder(below, above, order))
        assert _valid(order, edges)
        assert sorted(order.values()) == sorted(before.values())
        assert {n for n in order if order[n] != before[n]} <= above | below
        assert all(low <= order[n] <= high for n in above | below)


@pytest.mark.parametrize("seed", SEEDS)
def test_layers_put_each_node_one_past_its_longest_chain_of_prerequisites(seed: int) -> None:
    rnd = random.Random(seed)
    names, edges = _dag(rnd, 50, 100)
    shown = names[:40]  # edges to the other ten are not drawn
    kept = {(t, d) for t, d in edges if t in shown and d in shown}

    @cache
    def chain(node: str) -> int:
        return max((chain(d) + 1 for t, d in kept if t == node), default=0)

    grouped = layers(shown, edges)
    assert [n for layer in grouped for n in layer] != [] and all(grouped)
    for depth, layer in enumerate(grouped):
        assert [chain(n) for n in layer] == [depth] * len(layer)
        assert layer == [n for n in shown if n in layer]  # in the order given


def test_layers_of_nothing_and_of_a_cycle_lose_no_node() -> None:
    assert layers([], []) == []
    assert layers(["a", "b", "c"], [("a", "b"), ("b", "a"), ("c", "a")]) == [["a", "b", "c"]]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_pruned_search_names_the_same_chain(seed: int) -> None:
    rnd = random.Random(seed)
    names, edges = _dag(rnd, 60, 150)
    order = {n: i for i, n in enumerate(topological_order(names, _dependents(edges)))}
    prereqs: dict[str, list[str]] = {}
    for task, dep in edges:
        prereqs.setdefault(task, []).append(dep)
    for _ in range(50):
        start, goal = rnd.sample(names, 2)
        pruned = shortest_path(prereqs, start, goal, order)
        assert pruned == find_path(edges, start, goal)
        if pruned is not None:
            assert all(edge in edges for edge in pairwise(pruned))
