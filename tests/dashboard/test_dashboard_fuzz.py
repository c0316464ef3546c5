"""Property-based fuzzing of the dashboard's JSON API, from its own OpenAPI schema (issue 18).

Every operation under /api is called with path, query and body values drawn
from the schema the app publishes at /schema/openapi.json, mixed with hostile
ones (numbers past 64 bits, NaN, escape sequences, long text, wrong types).
Every answer must be JSON with a status below 500; a refusal (4xx) must be a
bounded `{"error", "message"}` body and change no table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from orchestron.dashboard import create_app
from orchestron.runtime import open_orchestron
from store_rows import store_rows

EXAMPLES = 25
ERROR_BUDGET = 8 * 1024
LONG = "l" * 20_000  # a URL holds at most 64 KB; bodies get the megabyte
MEGA = "m" * 1_000_000

HOSTILE: list[Any] = [
    None,
    "",
    " ",
    LONG,
    "9" * 5000,
    "TASK-" + "9" * 5000,
    "TASK-" + "9" * 25,
    str(2**63),
    2**63,
    -1,
    1.5,
    "NaN",
    "Infinity",
    "\x1b]0;owned\x07",
    "\u202eevil",
    "a\x00b",
    "²",
    "../../etc/passwd",
    True,
    [],
    {},
]
IDS = ["TASK-001", "TASK-002", "task-3", "7", "SPRINT-001", "MEM-001", "REQ-001", "SES-001"]
WORDS = ["TODO", "IN_PROGRESS", "done", "HIGH", "BUG", "id,title", "all", "database", "ACTIVE"]


def _operations() -> tuple[dict[str, Any], list[tuple[str, str]]]:
    document = create_app("/nonexistent/never-opened.db").openapi_schema.to_schema()
    ops = [
        (method.upper(), path)
        for path, entry in document["paths"].items()
        if path.startswith("/api/")
        for method in entry
    ]
    return document, ops


DOCUMENT, OPERATIONS = _operations()


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        resolved: dict[str, Any] = DOCUMENT["components"]["schemas"][ref.rsplit("/", 1)[1]]
        return resolved
    return schema


def _text() -> st.SearchStrategy[str]:
    chars = st.characters(exclude_categories=("Cs",))
    return st.one_of(st.sampled_from(IDS), st.sampled_from(WORDS), st.text(chars, max_size=30))


def _valid(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    schema = _resolve(schema)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return st.one_of([_valid(s) for s in schema[key]])
    kind = schema.get("type")
    if kind == "string":
        return _text()
    if kind == "integer":
        low, high = int(schema.get("minimum", 0)), int(schema.get("maximum", 500))
        return st.integers(low, high)
    if kind == "number":
        return st.floats(0, 100)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        return st.lists(_valid(schema.get("items", {"type": "string"})), max_size=3)
    if kind == "object":
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: _valid(v) for k, v in props.items() if k in required},
            optional={k: _valid(v) for k, v in props.items() if k not in required},
        )
    return st.none()


@st.composite
def _request(draw: st.DrawFn, method: str, path: str) -> dict[str, Any]:
    """Path, query and JSON body; in about half the requests one part made hostile."""
    op = DOCUMENT["paths"][path][method.lower()]
    params = op.get("parameters", [])
    values = {p["name"]: draw(_valid(p.get("schema", {}))) for p in params if p["in"] == "path"}
    query = {
        p["name"]: draw(_valid(p.get("schema", {})))
        for p in params
        if p["in"] == "query" and draw(st.booleans())
    }
    body_schema = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    body: Any = draw(_valid(body_schema["schema"])) if body_schema else None
    attack = draw(st.sampled_from(["none", "none", "param", "body", "raw"]))
    names = [p["name"] for p in params]
    if attack == "param" and names:
        name = draw(st.sampled_from(names))
        target = values if name in values else query
        target[name] = draw(st.sampled_from(HOSTILE))
    elif attack == "body" and isinstance(body, dict):
        fields = sorted(_resolve(body_schema["schema"]).get("properties", {})) or ["x"]
        body[draw(st.sampled_from(fields))] = draw(st.sampled_from([*HOSTILE, MEGA]))
    raw = None
    if attack == "raw" and body_schema:
        raw = draw(st.sampled_from([b"", b"null", b"[]", b"{", b'{"estimate": NaN}', b"\xff\xfe"]))
    url = path
    for name, value in values.items():
        text = value if isinstance(value, str) else json.dumps(value)
        url = url.replace("{" + name + "}", quote(text, safe="") or "%20")
    return {"url": url, "query": query, "body": body, "raw": raw, "has_body": bool(body_schema)}


async def _seed(db: Path) -> None:
    async with open_orchestron(str(db), actor="seed", create=True) as orch:
        await orch.create_task("Epic", type="EPIC")
        await orch.create_task("Schema", parent="TASK-001", checkpoints=["models"], estimate=2)
        await orch.create_task("API", depends_on=["TASK-002"])
        await orch.create_sprint("Sprint 1")
        await orch.add_to_sprint("SPRINT-001", ["TASK-002"])
        await orch.remember("Use PostgreSQL 16", kind="decision", topic="database")
        await orch.request_clarification("TASK-003", "Which port?")


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient[Any], Path]]:
    db = tmp_path_factory.mktemp("dash-fuzz") / "orchestron.db"
    anyio.run(_seed, db)
    app = create_app(str(db), poll_interval=5.0)
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        yield client, db


def test_the_schema_lists_the_api() -> None:
    assert len(OPERATIONS) >= 30
    assert ("POST", "/api/tasks") in OPERATIONS


def _query(query: dict[str, Any]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in query.items()}


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_request_gets_json_below_500_and_a_refusal_changes_nothing(
    dashboard: tuple[TestClient[Any], Path], method: str, path: str, data: st.DataObject
) -> None:
    client, db = dashboard
    req = data.draw(_request(method, path), label="request")
    before = store_rows(db)
    if method == "GET":
        r = client.get(req["url"], params=_query(req["query"]))
    else:
        content = req["raw"] if req["raw"] is not None else json.dumps(req["body"]).encode()
        r = client.post(
            req["url"],
            params=_query(req["query"]),
            content=content,
            headers={"content-type": "application/json"},
        )
    assert r.status_code < 500, (r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("application/json"), r.headers["content-type"]
    body = r.json()
    if r.status_code >= 400:
        assert set(body) >= {"error", "message"}, body
        assert len(r.content) <= ERROR_BUDGET, f"{len(r.content):,}-byte error"
        assert not re.search(r"internal|a bug in|Traceback", r.text), r.text[:500]
        assert store_rows(db) == before, f"refused {method} {req['url'][:80]} changed a table"
