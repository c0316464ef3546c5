"""SVG drawings, made on the server: the dependency DAG and a sprint burndown.

No inline styles (the pages' Content-Security-Policy forbids them): shapes
carry classes that `static/app.css` colours.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from html import escape

from orchestron.core import Task
from orchestron.core.graph import layers as depth_layers
from orchestron.core.graph import neighbours

__all__ = ["BurnPoint", "burndown_svg", "dag_svg", "layer_nodes"]

NODE_W, NODE_H = 168, 46
COL_GAP, ROW_GAP, PAD = 64, 14, 16
TITLE_CHARS = 22
_MARKERS = (
    "<defs>"
    + "".join(
        f'<marker id="{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
        'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" '
        f'class="{cls}"/></marker>'
        for name, cls in (("arrow", "arrowhead"), ("arrow-crit", "arrowhead crit"))
    )
    + "</defs>"
)


def layer_nodes(ids: Sequence[str], edges: Sequence[tuple[str, str]]) -> list[list[str]]:
    """Columns left to right: a task sits one column right of its deepest prerequisite.

    Inside a column, tasks are ordered by the mean row of their neighbours
    (a few barycentre sweeps), which keeps most edges short and uncrossed.
    """
    prereqs, dependents = neighbours(ids, edges)
    layers = depth_layers(ids, edges)
    for _ in range(3):
        _sweep(layers, prereqs)
        _sweep(layers[::-1], dependents)
    return layers


def _sweep(layers: Sequence[list[str]], neighbours: dict[str, list[str]]) -> None:
    row: dict[str, int] = {}
    for layer in layers:
        for i, n in enumerate(layer):
            row[n] = i
        if layer is layers[0]:
            continue

        def key(n: str) -> float:
            near = [row[m] for m in neighbours[n] if m in row]
            return sum(near) / len(near) if near else float(row[n])

        layer.sort(key=key)
        for i, n in enumerate(layer):
            row[n] = i


def dag_svg(
    tasks: Sequence[Task], edges: Sequence[tuple[str, str]], critical: Sequence[str] = ()
) -> str:
    """The DAG, prerequisites left of what they unblock; the critical path marked."""
    if not tasks:
        return ""
    by_id = {t.id: t for t in tasks}
    layers = layer_nodes([t.id for t in tasks], edges)
    pos: dict[str, tuple[int, int]] = {}
    for col, layer in enumerate(layers):
        for row, n in enumerate(layer):
            pos[n] = (PAD + col * (NODE_W + COL_GAP), PAD + row * (NODE_H + ROW_GAP))
    width = PAD * 2 + len(layers) * (NODE_W + COL_GAP) - COL_GAP
    height = PAD * 2 + max(len(layer) for layer in layers) * (NODE_H + ROW_GAP) - ROW_GAP
    on_path = set(critical)
    crit_edges = set(zip(critical[1:], critical, strict=False))  # (task, depends_on)
    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="dag" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
            'aria-label="Dependency graph">'
        ),
        _MARKERS,
    ]
    for task_id, dep in sorted(edges, key=lambda e: (e in crit_edges, e)):
        if task_id not in pos or dep not in pos:
            continue
        x1, y1 = pos[dep][0] + NODE_W, pos[dep][1] + NODE_H // 2
        x2, y2 = pos[task_id][0], pos[task_id][1] + NODE_H // 2
        bend = max(24, (x2 - x1) // 2)
        crit = (task_id, dep) in crit_edges
        out.append(
            f'<path class="edge{" crit" if crit else ""}" d="M{x1},{y1} C{x1 + bend},{y1} '
            f'{x2 - bend},{y2} {x2 - 2},{y2}" marker-end="url(#{"arrow-crit" if crit else "arrow"})">'
            f"<title>{escape(task_id)} depends on {escape(dep)}</title></path>"
        )
    for n, (x, y) in pos.items():
        out.append(_node(by_id[n], x, y, n in on_path))
    out.append("</svg>")
    return "".join(out)


def _node(task: Task, x: int, y: int, critical: bool) -> str:
    title = task.title if len(task.title) <= TITLE_CHARS else task.title[: TITLE_CHARS - 1] + "…"
    status = task.status.value.lower()
    classes = f"node status-{status}" + (" crit" if critical else "")
    return (
        f'<a href="/tasks/{escape(task.id)}" class="{classes}" data-task="{escape(task.id)}">'
        f"<title>{escape(task.id)} · {escape(task.title)} · {escape(task.status.value)}</title>"
        f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="7"/>'
        f'<rect class="stripe" x="{x}" y="{y}" width="5" height="{NODE_H}" rx="2"/>'
        f'<text class="node-id" x="{x + 13}" y="{y + 18}">{escape(task.id)}</text>'
        f'<text class="node-status" x="{x + NODE_W - 9}" y="{y + 18}" text-anchor="end">'
        f"{escape(task.status.value.replace('_', ' ').lower())}</text>"
        f'<text class="node-title" x="{x + 13}" y="{y + 36}">{escape(title)}</text></a>'
    )


BurnPoint = tuple[date, float]


def burndown_svg(
    actual: Sequence[BurnPoint],
    ideal: Sequence[BurnPoint],
    *,
    unit: str = "points",
    width: int = 880,
    height: int = 300,
) -> str:
    """Remaining work (a line with dots) against the ideal straight line.

    Points sit on day boundaries (a date is where that day begins, so the value at the
    end of Dec 02 sits on Dec 03's boundary); each day is labelled in the middle of its
    span, and a dot's title says which day's end it is.
    """
    points = [*actual, *ideal]
    if not points:
        return ""
    left, right, top, bottom = 52, 20, 24, 40
    first = min(d for d, _ in points)
    last = max(d for d, _ in points)
    days = max((last - first).days, 1)
    top_value, tick = _nice_top(max(v for _, v in points))
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(d: date) -> float:
        return left + plot_w * (d - first).days / days

    def py(v: float) -> float:
        return top + plot_h * (1 - v / top_value)

    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="burndown" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="Burndown: remaining {escape(unit)} per day">'
        )
    ]
    for i in range(round(top_value / tick) + 1):
        v = tick * i
        y = py(v)
        out.append(
            f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}"/>'
        )
        out.append(
            f'<text class="axis" x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{_num(v)}</text>'
        )
    step = max(1, days // 7)
    half = plot_w / days / 2
    for i in range(0, days, step):
        d = date.fromordinal(first.toordinal() + i)
        out.append(
            f'<text class="axis" x="{px(d) + half:.1f}" y="{height - bottom + 18}" '
            f'text-anchor="middle">{d.strftime("%b %d")}</text>'
        )
    if ideal:
        path = " ".join(f"{px(d):.1f},{py(v):.1f}" for d, v in ideal)
        out.append(f'<polyline class="ideal" points="{path}"><title>ideal</title></polyline>')
    if actual:
        path = " ".join(f"{px(d):.1f},{py(v):.1f}" for d, v in actual)
        out.append(f'<polyline class="actual" points="{path}"/>')
        for i, (d, v) in enumerate(actual):
            when = "start" if i == 0 else f"end of {date.fromordinal(d.toordinal() - 1)}"
            out.append(
                f'<circle class="dot" cx="{px(d):.1f}" cy="{py(v):.1f}" r="3.5">'
                f"<title>{when}: {_num(v)} {escape(unit)} left</title></circle>"
            )
    out.append(
        f'<text class="axis label" x="{left - 44}" y="{top - 8}">{escape(unit)}</text></svg>'
    )
    return "".join(out)


def _nice_top(value: float) -> tuple[float, float]:
    """An axis top at or above `value` and a round tick step (1, 2, 5 x 10^n), 3 to 6 ticks."""
    value = max(value, 1.0)
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10):
        tick = step * magnitude
        if tick >= 1 or value < 1:
            top = math.ceil(value / tick) * tick
            if top / tick <= 6:
                return top, tick
    return value, value


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"
