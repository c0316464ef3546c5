"""The in-process graph cache answers as the reference does, and notices other writers."""

from __future__ import annotations

import random

import pytest

from orchestron.core import CycleError, Orchestron
from orchestron.core.graph import downstream_counts, find_path
from orchestron.core.testing import FixedClock
from orchestron.postgres import PostgresStorage
from orchestron.postgres._graph import Graph


def _random_dag(rng: random.Random, nodes: int, edges: int) -> list[tuple[str, str]]:
    names = [f"TASK-{i:03d}" for i in range(1, nodes + 1)]
    rng.shuffle(names)  # the order of the names is not the order of the graph
    made: set[tuple[str, str]] = set()
    while len(made) < edges:
        a, b = sorted(rng.sample(range(nodes), 2))
        made.add((names[b], names[a]))  # later depends on earlier: acyclic
    return sorted(made)


@pytest.mark.parametrize("seed", range(20))
def test_pruned_search_finds_the_reference_path(seed: int) -> None:
    rng = random.Random(seed)
    edges = _random_dag(rng, 40, rng.randint(10, 120))
    graph = Graph("1", edges)
    names = [*sorted({n for e in edges for n in e}), "TASK-999"]
    for start in names:
        for goal in names:
            assert graph.find_path(start, goal) == find_path(edges, start, goal), (start, goal)
    assert graph.counts() == downstream_counts(edges)


@pytest.mark.parametrize("seed", range(10))
def test_a_changed_graph_equals_one_built_from_scratch(seed: int) -> None:
    rng = random.Random(seed)
    edges = _random_dag(rng, 30, 60)
    graph = Graph("1", edges)
    graph.order()  # derived state the change must keep right
    current = set(edges)
    diff: list[tuple[bool, str, str]] = []
    for _ in range(15):
        if rng.random() < 0.5 and current:
            edge = rng.choice(sorted(current))
            current.discard(edge)
            diff.append((False, *edge))
        else:
            a, b = rng.sample(sorted({n for e in edges for n in e}), 2)
            if find_path(current, b, a) is None and a != b:  # keep it acyclic, as the core does
                current.add((a, b))
                diff.append((True, a, b))
    changed = graph.changed("2", diff)
    fresh = Graph("2", current)
    assert set(changed.edges()) == current
    names = sorted({n for e in edges for n in e})
    for start in names:
        for goal in names:
            assert changed.find_path(start, goal) == fresh.find_path(start, goal)
    assert changed.counts() == fresh.counts()
    assert set(graph.edges()) == set(edges), "the old version is left as it was"


@pytest.mark.anyio
async def test_a_change_by_another_process_is_seen_by_the_cycle_check(pg_url: str) -> None:
    one = await PostgresStorage.open(pg_url)
    two = await PostgresStorage.open(pg_url)
    try:
        app1, app2 = Orchestron(one, FixedClock()), Orchestron(two, FixedClock())
        a, b, c = [(await app1.create_task(n)).id for n in "ABC"]
        await app1.add_dependency(b, a)  # process one caches the graph, then changes it
        await app1.add_dependency(c, b)
        assert (await app1.next_task()).downstream == 2  # type: ignore[union-attr]
        await app2.remove_dependency(c, b)  # process two changes it behind one's back
        await app2.add_dependency(a, c)
        with pytest.raises(CycleError) as info:
            await app1.add_dependency(c, b)  # C -> B -> A -> C
        assert info.value.cycle == (c, b, a, c)
        ready = await app1.ready_tasks()
        assert [(r.task.id, r.downstream) for r in ready] == [(c, 2)]
    finally:
        await one.close()
        await two.close()


@pytest.mark.parametrize("seed", range(10))
def test_a_graph_grown_edge_by_edge_answers_as_one_built_at_once(seed: int) -> None:
    """As a unit of work grows its private copy: new tasks, edges for and against the order."""
    rng = random.Random(seed)
    names = [f"TASK-{i:03d}" for i in range(1, 25)]
    graph = Graph("1", ())
    graph.order()
    current: set[tuple[str, str]] = set()
    for step in range(60):
        if rng.random() < 0.2 and current:
            edge = rng.choice(sorted(current))
            current.discard(edge)
            graph.apply(False, *edge)
        else:
            a, b = rng.sample(names, 2)
            if find_path(current, b, a) is None:
                current.add((a, b))
                graph.apply(True, a, b)
        order = graph._order
        assert order is not None, "kept up edge by edge, never recomputed"
        assert all(order[d] < order[t] for t, d in current), "still a topological order"
        if step % 6 == 0:
            for start in names:
                for goal in names:
                    assert graph.find_path(start, goal) == find_path(current, start, goal)
    assert graph.counts() == downstream_counts(current)
