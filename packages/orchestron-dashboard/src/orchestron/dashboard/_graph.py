"""The dependency graph as the graph page and `/api/graph` show it.

The critical path is the chain of unfinished work with the largest total
estimate (a task without an estimate counts 1): the chain that decides how
soon the rest can be done. networkx is imported here only, when a graph is
asked for.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from orchestron.core import Orchestron, Task, TaskFilter, TaskStatus, id_sort_key, normalise_id
from orchestron.dashboard._queries import status_filter

__all__ = ["MAX_NODES", "GraphData", "critical_path", "graph_data"]

MAX_NODES = 300
_PAGE = 500
_UNFINISHED = tuple(s for s in TaskStatus if not s.finished)
_FINISHED = tuple(s for s in TaskStatus if s.finished)


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
    """The tasks to draw (at most `max_nodes`, unfinished work first), their edges
    and the critical path. Only the tasks drawn are loaded, so a project of
    10,000 tasks costs about as much as one of 300."""
    edges = await orch.dependency_edges()
    if sprint:
        pool = await orch.list_tasks(TaskFilter(sprint=normalise_id(sprint)))
        ids = {t.id for t in pool}
        edges = [(a, b) for a, b in edges if a in ids and b in ids]
        linked = _ends(edges)
        candidates = pool if include_isolated else [t for t in pool if t.id in linked]
        total = len(candidates)
        tasks = sorted(candidates, key=lambda t: (t.status.finished, _id_key(t)))[:max_nodes]
    elif include_isolated:
        total = await orch.count_tasks()
        tasks = await _unfinished_first(orch, None, max_nodes)
    else:
        linked = _ends(edges)
        total = len(linked)
        if total <= max_nodes:  # one read of those, where paging all 10,000 takes ~300 ms
            tasks = await orch.get_tasks(sorted(linked))
        else:
            tasks = await _unfinished_first(orch, linked, max_nodes)
    kept = {t.id for t in tasks}
    edges = [(a, b) for a, b in edges if a in kept and b in kept]
    tasks = sorted(tasks, key=_id_key)
    return GraphData(
        tasks=tasks,
        edges=edges,
        critical_path=critical_path(tasks, edges),
        truncated=total > len(tasks),
        total_nodes=total,
    )


async def _unfinished_first(orch: Orchestron, among: set[str] | None, limit: int) -> list[Task]:
    """Up to `limit` tasks (of `among`, if given): unfinished ones first, each in id order,
    read page by page so only about what is kept gets loaded."""
    picked: list[Task] = []
    for statuses in (_UNFINISHED, _FINISHED):
        after: str | None = None
        while len(picked) < limit:
            flt = status_filter(statuses)
            page = await orch.list_tasks(flt, after=after, limit=_PAGE)
            picked += [t for t in page if among is None or t.id in among]
            if len(page) < _PAGE:
                break
            after = page[-1].id
    return picked[:limit]


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
    head, number, _ = id_sort_key(task.id)
    return head, number
