"""CSRF through Litestar's own middleware: the token a page carries is the signed one in
the cookie, and a token the running dashboard did not sign is replaced, not kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

pytestmark = pytest.mark.anyio

BASE_URL = "http://127.0.0.1:8765"
ORIGIN = {"Origin": BASE_URL}
Client = AsyncTestClient  # type: ignore[type-arg]


async def test_the_page_carries_the_cookie_s_token(client: Client) -> None:
    page = await client.get("/")
    token = client.cookies["orchestron_csrf"]
    assert f'<meta name="csrf-token" content="{token}">' in page.text
    again = await client.get("/tasks")
    assert "set-cookie" not in again.headers, "a browser that holds the token keeps it"
    assert f'content="{token}"' in again.text


async def test_a_token_from_before_a_restart_is_replaced_on_the_next_page(
    make_app: Callable[..., Litestar],
) -> None:
    async with AsyncTestClient(make_app(), base_url=BASE_URL) as before:
        await before.get("/")
        old = before.cookies["orchestron_csrf"]
    async with AsyncTestClient(make_app(), base_url=BASE_URL) as after:
        # The browser still holds the earlier run's cookie (sent by hand: a client's jar
        # would keep both).
        held = {**ORIGIN, "Cookie": f"orchestron_csrf={old}"}
        r = await after.post(
            "/api/tasks", json={"title": "x"}, headers={**held, "X-CSRF-Token": old}
        )
        assert r.status_code == 403 and r.json()["error"] == "csrf"
        assert "reload the page" in r.json()["message"]
        page = await after.get("/", headers={"Cookie": f"orchestron_csrf={old}"})
        fresh = page.cookies["orchestron_csrf"]
        assert fresh != old and f'content="{fresh}"' in page.text
        r = await after.post(
            "/api/tasks",
            json={"title": "x"},
            headers={**ORIGIN, "Cookie": f"orchestron_csrf={fresh}", "X-CSRF-Token": fresh},
        )
        assert r.status_code == 201


async def test_a_login_form_that_expired_comes_back_with_a_token_that_works(
    make_app: Callable[..., Litestar],
) -> None:
    token = "s3cret-token-for-tests"
    async with AsyncTestClient(make_app(token=token), base_url=BASE_URL) as c:
        r = await c.post("/login", data={"token": token, "_csrf": "stale", "next": "/"})
        assert r.status_code == 403 and "expired" in r.text
        fresh = c.cookies["orchestron_csrf"]
        assert f'value="{fresh}"' in r.text
        r = await c.post(
            "/login", data={"token": token, "_csrf": fresh, "next": "/"}, follow_redirects=False
        )
        assert r.status_code == 303 and "orchestron_auth=" in r.headers["set-cookie"]
