"""Server-rendered pages: board, task list, task, graph, sprints, and the login form.

Every page carries the event sequence it was rendered at (`seq`), so its live
stream starts exactly there; each live region is a template block the page
script re-fetches when a change touches it.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Redirect

from orchestron.core import (
    Orchestron,
    Priority,
    TaskFilter,
    TaskStatus,
    event_summary,
    move_hints,
    plural,
)
from orchestron.core.analytics import Burndown as AnalyticsBurndown
from orchestron.core.analytics import Forecast, Stats
from orchestron.core.ports import is_container
from orchestron.dashboard._burndown import burndown
from orchestron.dashboard._cache import RecentResults
from orchestron.dashboard._graph import graph_data
from orchestron.dashboard._hints import menu_moves
from orchestron.dashboard._queries import BoardFilter, Orch, board, parse_filter, task_requests
from orchestron.dashboard._render import render_page
from orchestron.dashboard._security import (
    AUTH_COOKIE,
    CSRF_COOKIE,
    session_value,
    tokens_match,
)
from orchestron.dashboard._svg import dag_svg

__all__ = ["base_context", "page_handlers"]

Page = Response[str]
AnyRequest = Request[Any, Any, Any]
INBOX_BADGE_LIMIT = 99
FORECAST_TRIALS = 2000
FormData = URLEncodedBody[dict[str, str]]


async def base_context(orch: Orchestron, nav: str) -> dict[str, Any]:
    """What every page needs: where the live stream starts, and the inbox badge."""
    count = len(await orch.inbox(limit=INBOX_BADGE_LIMIT))
    return {"nav": nav, "seq": await orch.last_event_seq(), "inbox_count": count}


@get("/", include_in_schema=False)
async def board_page(
    request: AnyRequest,
    orch: Orch,
    sprint: FromQuery[str | None] = None,
    label: FromQuery[str | None] = None,
    assignee: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    cancelled: FromQuery[str | None] = None,
) -> Page:
    flt = BoardFilter(
        sprint=sprint or None,
        label=label or None,
        assignee=assignee or None,
        q=q or None,
        cancelled=cancelled not in (None, "", "0", "false"),
    )
    ctx = await base_context(orch, "board")
    data = await board(orch, flt)
    return render_page(request, "board.html", board=data, agents=await _agents(orch), **ctx)


async def _agents(orch: Orchestron) -> list[str]:
    sessions = await orch.list_sessions(active_only=True, limit=50)
    return sorted({s.agent_id for s in sessions})


@get("/tasks", include_in_schema=False)
async def tasks_page(
    request: AnyRequest,
    orch: Orch,
    status: FromQuery[str | None] = None,
    sprint: FromQuery[str | None] = None,
    label: FromQuery[str | None] = None,
    assignee: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    after: FromQuery[str | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
) -> Page:
    flt = parse_filter(status=status, sprint=sprint, label=label, assignee=assignee, q=q)
    tasks = await orch.list_tasks(flt, after=after or None, limit=limit + 1)
    page = tasks[:limit]
    next_query = None
    if len(tasks) > limit:
        params = {"status": status, "sprint": sprint, "label": label, "assignee": assignee, "q": q}
        next_query = urlencode({**{k: v for k, v in params.items() if v}, "after": page[-1].id})
    ctx = await base_context(orch, "board")
    return render_page(
        request,
        "tasks.html",
        tasks=page,
        status=status or "",
        next_query=next_query,
        limit=limit,
        **ctx,
    )


@get("/tasks/{task_id:str}", include_in_schema=False)
async def task_page(request: AnyRequest, orch: Orch, task_id: FromPath[str]) -> Page:
    task = await orch.get_task(task_id)
    ctx = await base_context(orch, "board")
    prereq_ids, dependent_ids = await orch.dependencies(task.id)
    prerequisites = await orch.get_tasks(prereq_ids)
    dependents = await orch.get_tasks(dependent_ids)
    events = await orch.events(entity=task.id)
    history = [
        {"at": e.at, "actor": e.actor, "kind": e.kind, "summary": event_summary(e)}
        for e in reversed(events[-100:])
    ]
    messages = await orch.messages_for(task.id)
    open_children = [
        c for c in await orch.list_tasks(TaskFilter(parent=task.id)) if not c.status.finished
    ]
    return render_page(
        request,
        "task.html",
        task=task,
        blockers=[p for p in prerequisites if not p.status.finished],
        unfinished=task.status is TaskStatus.IN_PROGRESS
        and task.claimed_by is None
        and not is_container(task, open_children),
        prerequisites=prerequisites,
        dependents=dependents,
        history=history,
        requests=await task_requests(orch, task.id),
        messages=messages,
        priorities=list(Priority),
        move_targets=menu_moves(move_hints(orch.rules, task)),
        holder_live=task.claimed_by in {s.id for s in await orch.list_sessions(active_only=True)},
        **ctx,
    )


@get("/graph", include_in_schema=False)
async def graph_page(
    request: AnyRequest,
    orch: Orch,
    sprint: FromQuery[str | None] = None,
    all: FromQuery[str | None] = None,
) -> Page:
    ctx = await base_context(orch, "graph")
    include_isolated = bool(all)
    data = await graph_data(orch, sprint=sprint or None, include_isolated=include_isolated)
    by_id = {t.id: t for t in data.tasks}
    weight = float(sum((by_id[t].estimate or 1.0) for t in data.critical_path))
    return render_page(
        request,
        "graph.html",
        graph=data,
        svg=dag_svg(data.tasks, data.edges, data.critical_path),
        by_id=by_id,
        critical_weight=int(weight) if weight.is_integer() else round(weight, 1),
        sprints=await orch.list_sprints(),
        sprint=sprint or "",
        include_isolated=include_isolated,
        **ctx,
    )


@get("/sprints", include_in_schema=False)
async def sprints_page(request: AnyRequest, orch: Orch) -> Page:
    ctx = await base_context(orch, "sprints")
    rows = []
    for sprint in reversed(await orch.list_sprints()):
        _, tasks = await orch.get_sprint(sprint.id)
        done = sum(1 for t in tasks if t.status is TaskStatus.DONE)
        rows.append({"sprint": sprint, "done": done, "total": len(tasks)})
    return render_page(request, "sprints.html", rows=rows, **ctx)


@get("/sprints/{sprint_id:str}", include_in_schema=False)
async def sprint_page(request: AnyRequest, orch: Orch, sprint_id: FromPath[str]) -> Page:
    ctx = await base_context(orch, "sprints")
    sprint, tasks = await orch.get_sprint(sprint_id)
    recent: RecentResults = request.app.state.recent

    async def compute() -> tuple[AnalyticsBurndown, Forecast, Stats]:
        return (
            await orch.burndown(sprint.id),
            await orch.forecast(sprint=sprint.id, trials=FORECAST_TRIALS),
            await orch.stats(sprint=sprint.id),
        )

    computed, forecast, stats = await recent.get(("sprint", sprint.id), ctx["seq"], compute)
    burn = await burndown(orch, sprint, tasks, computed=computed)
    done = sum(1 for t in tasks if t.status is TaskStatus.DONE)
    return render_page(
        request,
        "sprint.html",
        sprint=sprint,
        tasks=tasks,
        done=done,
        burn=burn,
        extra_stats=sprint_figures(forecast, stats),
        **ctx,
    )


def sprint_figures(forecast: Forecast, stats: Stats) -> list[tuple[str, str, str]]:
    """(label, value, hint) cards from the analytics: the forecast and the cycle time."""
    cards: list[tuple[str, str, str]] = []
    if forecast.status == "ok" and forecast.p85 is not None:
        hint = f"50% by {forecast.p50:%b %d}, 95% by {forecast.p95:%b %d}"
        if forecast.chance_by_deadline is not None:
            hint += f"; {round(100 * forecast.chance_by_deadline)}% chance by the end date"
        cards.append(("likely done by (85%)", f"{forecast.p85:%b %d}", hint))
    elif forecast.status == "nothing_left":
        cards.append(("forecast", "done", "every task is finished"))
    else:
        cards.append(("forecast", "—", forecast.reason or "not enough history yet"))
    median = stats.cycle_time.median
    cards.append(
        (
            "median cycle time",
            _hours(median) if median is not None else "—",
            f"from {plural(stats.cycle_time.count, 'finished task')}",
        )
    )
    return cards


def _hours(value: float) -> str:
    return f"{value:.1f} h" if value < 48 else f"{value / 24:.1f} d"


@get("/login", include_in_schema=False)
async def login_form(request: AnyRequest, next: FromQuery[str] = "/") -> Page | Redirect:
    if not request.app.state.get("token"):
        return Redirect("/")
    return render_page(request, "login.html", bare=True, next=_safe_next(next), error="")


@post("/login", include_in_schema=False, status_code=303)
async def login(request: AnyRequest, data: FormData) -> Page | Redirect:
    token: str | None = request.app.state.get("token")
    if not token:
        return Redirect("/")
    target = _safe_next(data.get("next", "/"))
    if not tokens_match(data.get("_csrf"), request.cookies.get(CSRF_COOKIE)):
        return render_page(
            request,
            "login.html",
            status_code=403,
            bare=True,
            next=target,
            error="The form expired; please try again.",
        )
    if not tokens_match(data.get("token", "").strip(), token):
        return render_page(
            request,
            "login.html",
            status_code=401,
            bare=True,
            next=target,
            error="That token is not the one this dashboard was started with.",
        )
    response = Redirect(target, status_code=303)
    response.cookies.append(
        Cookie(
            key=AUTH_COOKIE, value=session_value(token), path="/", httponly=True, samesite="strict"
        )
    )
    return response


@post("/logout", include_in_schema=False, status_code=303)
async def logout(request: AnyRequest, data: FormData) -> Redirect:
    response = Redirect("/login" if request.app.state.get("token") else "/", status_code=303)
    if tokens_match(data.get("_csrf"), request.cookies.get(CSRF_COOKIE)):
        response.delete_cookie(AUTH_COOKIE, path="/")
    return response


@get("/favicon.ico", include_in_schema=False)
async def favicon() -> Redirect:
    return Redirect("/static/favicon.svg", status_code=301)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never `//evil.example` or a full URL."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


page_handlers = [
    board_page,
    tasks_page,
    task_page,
    graph_page,
    sprints_page,
    sprint_page,
    login_form,
    login,
    logout,
    favicon,
]
