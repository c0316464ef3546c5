"""What an attack on the dashboard found (issue 18): the app through Litestar's test
client, starting it through the real `orchestron-dashboard` command."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from collections.abc import Callable
from contextlib import closing
from subprocess import CompletedProcess
from typing import Any

import anyio
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from orchestron.core import Orchestron
from orchestron.dashboard import InsecureBindError
from orchestron.runtime import snapshot

pytestmark = pytest.mark.anyio

HUGE = "9" * 5000
BIG = str(2**63)
Client = AsyncTestClient  # type: ignore[type-arg]


async def _seeded(other: Orchestron) -> dict[str, Any]:
    await other.create_task("Schema", checkpoints=["models"])
    await other.create_task("API", depends_on=["TASK-001"])
    await other.create_sprint("Sprint 1")
    return await snapshot(other.storage)


def _clear(body: dict[str, Any], raw: str) -> None:
    assert body["error"] in ("invalid_input", "not_found"), body
    assert "internal" not in raw and "a bug in" not in raw, raw
    assert len(raw) < 2000, f"the error echoes the input ({len(raw)} bytes)"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/tasks/TASK-{HUGE}",
        f"/api/tasks/{HUGE}",
        f"/api/tasks/TASK-{BIG}",
        f"/api/tasks?after=TASK-{BIG}",
        f"/api/tasks?after=TASK-{HUGE}",
        f"/api/tasks?parent=TASK-{BIG}",
        f"/api/tasks?limit={BIG}",
        f"/api/events?after={BIG}",
        f"/api/events?after={HUGE}",
        f"/api/events?entity=TASK-{BIG}",
        f"/api/tasks/TASK-001/events?after={BIG}",
        f"/api/sprints/SPRINT-{BIG}",
        f"/api/analytics/stats?days={BIG}",
        f"/api/analytics/forecast?epic=TASK-{BIG}",
    ],
    ids=lambda u: u[:48],
)
async def test_big_ids_and_numbers_are_a_400_not_a_500(
    client: Client, other: Orchestron, url: str
) -> None:
    before = await _seeded(other)
    r = await client.get(url)
    assert r.status_code == 400, (r.status_code, r.text[:300])
    _clear(r.json(), r.text)
    assert await snapshot(other.storage) == before


@pytest.mark.parametrize(
    "body",
    [
        b'{"title": "x", "estimate": "NaN"}',
        b'{"title": "x", "estimate": "Infinity"}',
        b'{"title": "x", "estimate": "-inf"}',
        b'{"title": "x", "estimate": NaN}',
        b'{"title": "x", "estimate": 1e400}',
    ],
)
async def test_nan_is_refused(client: Client, other: Orchestron, body: bytes) -> None:
    before = await _seeded(other)
    r = await client.post("/api/tasks", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    _clear(r.json(), r.text)
    assert await snapshot(other.storage) == before


async def test_an_empty_body_says_so(client: Client, other: Orchestron) -> None:
    before = await _seeded(other)
    for headers in ({"content-type": "application/json"}, {}):
        r = await client.post("/api/tasks", content=b"", headers=headers)
        assert r.status_code == 400
        body = r.json()
        assert body["field"] == "body" and "empty" in body["message"], body
        assert "'data'" not in body["message"]
    assert await snapshot(other.storage) == before


async def test_a_nul_in_the_path_is_a_404(client: Client) -> None:
    for url in ("/static/app.css%00.js", "/tasks/TASK-001%00", "/api/tasks/%00"):
        r = await client.get(url)
        assert r.status_code == 404, (url, r.status_code)
    assert (await client.get("/static/app.css")).status_code == 200


async def test_content_type_names_the_charset_once(client: Client, other: Orchestron) -> None:
    await _seeded(other)
    for url in ("/", "/tasks/TASK-001", "/no-such-page", "/static/app.css", "/api/tasks"):
        r = await client.get(url)
        kind = r.headers["content-type"]
        assert kind.count("charset") <= 1, (url, kind)


async def test_a_long_id_in_the_path_gets_a_short_answer(client: Client) -> None:
    for url in (f"/api/tasks/{'x' * 20_000}", f"/tasks/{'x' * 20_000}"):
        r = await client.get(url)
        assert r.status_code in (400, 404)
        assert len(r.content) < 8 * 1024, len(r.content)


@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("x", "at least 16"),
        ("fifteen-chars!!", "at least 16"),
        ("   ", "blank"),
        (" a-token-of-20-chars ", "space"),
    ],
)
async def test_a_weak_token_is_refused(
    make_app: Callable[..., Litestar], token: str, words: str
) -> None:
    with pytest.raises(InsecureBindError, match=words):
        make_app(token=token)


async def _dashboard(db: str, *args: str, prefix: tuple[str, ...] = ()) -> CompletedProcess[bytes]:
    argv = [*prefix, sys.executable, "-m", "orchestron.dashboard", "--db", db, "--port", "0"]
    with anyio.fail_after(60):
        return await anyio.run_process([*argv, *args], check=False)


def _one_clear_line(done: CompletedProcess[bytes], *words: str) -> None:
    assert done.returncode == 2, done
    assert b"http://" not in done.stdout, "the URL was printed before the store was opened"
    err = done.stderr.decode().strip()
    assert err.count("\n") == 0, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err


async def test_a_corrupt_database_is_one_line_and_no_url(db_path: str) -> None:
    await anyio.Path(db_path).write_bytes(b"not a database, just bytes " * 400)
    _one_clear_line(await _dashboard(db_path), "not a database")


async def test_a_newer_schema_is_one_line_and_no_url(db_path: str) -> None:
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA user_version = 999")
    _one_clear_line(await _dashboard(db_path), "schema version 999", "newer Orchestron")


async def test_an_unreadable_database_is_one_line_and_no_url(db_path: str) -> None:
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("util-linux `setpriv` is not installed")
    path = anyio.Path(db_path)
    await path.chmod(0)
    drop = "-dac_override,-dac_read_search"
    try:
        done = await _dashboard(
            db_path, prefix=(setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}")
        )
    finally:
        await path.chmod(0o644)
    _one_clear_line(done, db_path)


async def test_a_weak_token_stops_the_command_before_it_listens(db_path: str) -> None:
    for token in ("short", "   "):
        _one_clear_line(await _dashboard(db_path, "--token", token), "token")


@pytest.mark.parametrize("last_id", [HUGE, BIG, "²", "-5"])
async def test_a_strange_last_event_id_still_streams(
    run_server: Callable[..., str], other: Orchestron, last_id: str
) -> None:
    """Over real HTTP: the header a reconnecting browser sends cannot break the stream."""
    import httpx

    url = run_server()
    async with (
        httpx.AsyncClient(base_url=url, timeout=5) as http,
        http.stream("GET", "/live", headers={"Last-Event-ID": last_id.encode()}) as response,
    ):
        assert response.status_code == 200
        with anyio.fail_after(5):
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    break
