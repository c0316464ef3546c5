"""The dependency graph as the graph page and `/api/graph` show it.

The critical path is the chain of unfinished work with the largest total
estimate (a task without an estimate counts 1): the chain that decides how
soon the rest can be done. networkx is imported here only, when a graph is
asked for.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from orchestron.core import Orchestron, Task, TaskFilter, normalise_id
from orchestron.dashboard._queries import all_edges, port_read

__all__ = ["MAX_NODES", "GraphData", "critical_path", "graph_data"]

MAX_NODES = 300


@frozen
class GraphData:
    tasks: Sequence[Task]
    edges: Sequence[tuple[str, str]]  # (task, depends_on)
    critical_path: Sequence[str]  # first prerequisite first
    truncated: bool
    total_nodes: int


async def graph_data(
    orch: Orchestron,
    *,
    sprint: str | None = None,
    include_isolated: bool = False,
    max_nodes: int = MAX_NODES,
) -> GraphData:
    edges = await all_edges(orch)
    if sprint or include_isolated:
        flt = TaskFilter(sprint=normalise_id(sprint) if sprint else None)
        pool = await orch.list_tasks(flt)
        ids = {t.id for t in pool}
        edges = [(a, b) for a, b in edges if a in ids and b in ids]
        tasks = pool if include_isolated else [t for t in pool if t.id in _ends(edges)]
    else:
        async with port_read(orch) as tx:
            tasks = await tx.tasks.get_many(sorted(_ends(edges)))
    total = len(tasks)
    truncated = total > max_nodes
    if truncated:
        # Keep unfinished work first: that is what the graph is for.
        tasks = sorted(tasks, key=lambda t: (t.status.finished, t.id))[:max_nodes]
        kept = {t.id for t in tasks}
        edges = [(a, b) for a, b in edges if a in kept and b in kept]
    tasks = sorted(tasks, key=_id_key)
    return GraphData(
        tasks=tasks,
        edges=edges,
        critical_path=critical_path(tasks, edges),
        truncated=truncated,
        total_nodes=total,
    )


def critical_path(tasks: Sequence[Task], edges: Sequence[tuple[str, str]]) -> list[str]:
    """The heaviest chain of unfinished tasks, prerequisite first."""
    import networkx as nx  # type: ignore[import-untyped,unused-ignore]

    open_tasks = {t.id: t for t in tasks if not t.status.finished}
    graph = nx.DiGraph()
    start = "\x00start"
    for tid, task in open_tasks.items():
        graph.add_edge(start, tid, weight=_weight(task))
    for task_id, dep in edges:
        if task_id in open_tasks and dep in open_tasks:
            graph.add_edge(dep, task_id, weight=_weight(open_tasks[task_id]))
    if len(graph) <= 1 or not nx.is_directed_acyclic_graph(graph):
        return []
    path: list[str] = nx.dag_longest_path(graph, weight="weight")
    chain = [p for p in path if p != start]
    return chain if len(chain) > 1 else []


def _weight(task: Task) -> float:
    return task.estimate if task.estimate else 1.0


def _ends(edges: Sequence[tuple[str, str]]) -> set[str]:
    return {n for edge in edges for n in edge}


def _id_key(task: Task) -> tuple[str, int]:
    head, _, tail = task.id.rpartition("-")
    return (head, int(tail)) if tail.isdigit() else (task.id, -1)
