"""Project memory in the dashboard: the API, the memory page, and settling a dispute."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from orchestron.core import MemoryStatus, Orchestron

pytestmark = pytest.mark.anyio

Client = AsyncTestClient  # type: ignore[type-arg]


async def _dispute(other: Orchestron) -> str:
    await other.remember("We use PostgreSQL", kind="decision", topic="database")
    clash = await other.acting_as("claude-2").remember(
        "We use SQLite", kind="decision", topic="database"
    )
    assert clash.request is not None
    return clash.request.id


async def test_the_page_lists_disputes_and_the_person_settles_one(
    client: Client, other: Orchestron
) -> None:
    request_id = await _dispute(other)
    page = await client.get("/memory")
    assert page.status_code == 200
    assert f'data-dispute="{request_id}"' in page.text
    assert "Keep MEM-001" in page.text and "Keep MEM-002" in page.text
    r = await client.post(
        f"/api/memory/disputes/{request_id}/resolve",
        json={"keep": "MEM-002", "note": "one file per project"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["keep"] == "MEM-002" and sorted(body["told"]) == ["claude-1", "claude-2"]
    assert (await other.get_memory("MEM-001")).status is MemoryStatus.SUPERSEDED
    assert await other.inbox() == []
    # The live region re-renders alone (the page script asks for it after an action).
    part = await client.get("/memory", headers={"X-Fragment": "memory_body"})
    assert part.status_code == 200, part.text
    assert "data-dispute" not in part.text and "We use SQLite" in part.text


async def test_the_api_lists_searches_and_shows(client: Client, other: Orchestron) -> None:
    await other.remember(
        "Tests need TZ=UTC", kind="gotcha", topic="tests", rationale="date parsing"
    )
    await other.remember("Tabs", kind="convention", topic="indent")
    listed = (await client.get("/api/memory", params={"limit": 1})).json()
    assert [i["id"] for i in listed["items"]] == ["MEM-001"] and listed["next"] == "MEM-001"
    found = (await client.get("/api/memory/search", params={"q": "parsing"})).json()
    assert [i["line"] for i in found["items"]] == ["MEM-001 GOTCHA tests: Tests need TZ=UTC"]
    one = (await client.get("/api/memory/mem-2")).json()
    assert one["topic"] == "indent" and one["status"] == "ACTIVE"
    page = await client.get("/memory", params={"q": "parsing"})
    assert "Tests need TZ=UTC" in page.text


async def test_confirm_retire_and_the_stale_list(client: Client, other: Orchestron) -> None:
    said = await other.remember(
        "Pin Node 18", kind="decision", topic="node", review_date="2020-01-01"
    )
    async with other.storage.transaction() as tx:  # said long ago, never confirmed since
        old = said.entry.changed(
            said.entry.updated_at, "test", last_confirmed=datetime(2019, 1, 1, tzinfo=UTC)
        )
        await tx.memory.update(old)
    stale = (await client.get("/api/memory/stale")).json()["items"]
    assert [s["id"] for s in stale] == ["MEM-001"]
    assert stale[0]["reasons"] == ["review date 2020-01-01 has passed"]
    assert "To check again" in (await client.get("/memory")).text
    r = await client.post("/api/memory/MEM-001/confirm", json={})
    assert r.status_code == 200, r.text
    assert (await client.get("/api/memory/stale")).json()["items"] == []
    r = await client.post("/api/memory/MEM-001/retire", json={"reason": "Node 20 now"})
    assert r.status_code == 200 and r.json()["status"] == "RETIRED"


async def test_bad_input_names_the_field(client: Client, other: Orchestron) -> None:
    request_id = await _dispute(other)
    r = await client.post(f"/api/memory/disputes/{request_id}/resolve", json={"keep": "MEM-9"})
    assert r.status_code == 400 and r.json()["field"] == "keep"
    r = await client.post("/api/memory/MEM-404/retire", json={"reason": "x"})
    assert r.status_code == 404
    r = await client.post("/api/memory/MEM-001/retire", json={"reason": "x"})
    assert r.status_code == 409  # disputed: a person settles the dispute first
    r = await client.get("/api/memory", params={"kind": "rumour"})
    assert r.status_code == 400 and r.json()["field"] == "kind"


async def test_search_by_meaning_and_maybe_the_same_in_the_stale_list(
    client: Client, other: Orchestron
) -> None:
    tz = await other.remember("The test DB needs TZ=UTC", kind="gotcha", topic="tests")
    await other.remember("Use ruff for linting", kind="convention", topic="lint")
    r = await client.get("/api/memory/search", params={"q": "timezone"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["by_meaning"] is True and body["items"][0]["id"] == tz.entry.id
    page = await client.get("/memory", params={"q": "timezone"})
    assert "TZ=UTC" in page.text and "data-words-only" not in page.text
    first = await other.remember("The worker retries failed jobs", kind="fact", topic="retries")
    second = await other.remember(
        "The worker retries failed jobs 3 times", kind="fact", topic="retries"
    )
    stale = (await client.get("/api/memory/stale")).json()["items"]
    assert [(s["id"], s["maybe_same_as"]) for s in stale] == [(second.entry.id, first.entry.id)]
    page = await client.get("/memory")
    assert f'data-stale-entry="{second.entry.id}"' in page.text
    assert f"maybe the same as {first.entry.id}" in page.text


async def test_without_a_model_the_page_says_it_matched_by_words(
    make_app: Callable[..., Litestar], other: Orchestron, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORCHESTRON_EMBEDDER", "none")
    await other.remember("Use ruff for linting", kind="convention", topic="lint")
    async with AsyncTestClient(make_app(), base_url="http://127.0.0.1:8765") as words:
        page = await words.get("/memory", params={"q": "linting"})
        assert "data-words-only" in page.text and "ORCHESTRON_EMBEDDER=none" in page.text
        r = await words.get("/api/memory/search", params={"q": "linting"})
        assert r.json()["by_meaning"] is False
