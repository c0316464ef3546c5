"""Token, login cookie, CSRF, Host checks and the bind rule."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from orchestron.core import Orchestron
from orchestron.dashboard import InsecureBindError, main
from orchestron.dashboard._cli import listen_socket
from orchestron.dashboard._security import check_bind, is_loopback

pytestmark = pytest.mark.anyio

TOKEN = "s3cret-token-for-tests"
BASE_URL = "http://127.0.0.1:8765"
Client = AsyncTestClient  # type: ignore[type-arg]


@pytest.fixture
async def locked(make_app: Callable[..., Litestar]) -> AsyncIterator[Client]:
    async with AsyncTestClient(make_app(token=TOKEN), base_url=BASE_URL) as c:
        yield c


async def test_no_token_is_refused(locked: Client, other: Orchestron) -> None:
    await other.create_task("secret work")
    r = await locked.get("/api/tasks")
    assert r.status_code == 401
    assert r.json()["error"] == "unauthorized"
    assert "Bearer" in r.json()["message"]
    assert "secret work" not in r.text
    r = await locked.get("/schema/openapi.json")
    assert r.status_code == 401
    r = await locked.get("/live")
    assert r.status_code == 401
    r = await locked.get("/tasks/TASK-001", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/tasks/TASK-001"
    r = await locked.post("/api/tasks", json={"title": "sneaky"})
    assert r.status_code == 401
    assert await other.list_tasks() != [] and len(await other.list_tasks()) == 1


async def test_wrong_token_is_refused(locked: Client) -> None:
    for header in ["Bearer nope", "Bearer " + TOKEN + "x", "Basic " + TOKEN, "Bearer"]:
        r = await locked.get("/api/tasks", headers={"Authorization": header})
        assert r.status_code == 401, header
        assert r.json()["message"] == "token not accepted"
    locked.cookies.set("orchestron_auth", "forged")
    r = await locked.get("/", follow_redirects=False)
    assert r.status_code == 303


async def test_right_token_in_the_header(locked: Client, other: Orchestron) -> None:
    await other.create_task("visible")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = await locked.get("/api/tasks", headers=auth)
    assert r.status_code == 200 and r.json()["items"][0]["title"] == "visible"
    assert (await locked.get("/", headers=auth)).status_code == 200
    # A bearer request needs no CSRF token: a browser never sends that header by itself.
    r = await locked.post("/api/tasks", json={"title": "by script"}, headers=auth)
    assert r.status_code == 201


async def test_login_sets_an_httponly_cookie_and_csrf_guards_posts(locked: Client) -> None:
    page = await locked.get("/login?next=/graph")
    assert page.status_code == 200
    csrf = locked.cookies["orchestron_csrf"]
    bad = await locked.post("/login", data={"token": "wrong", "_csrf": csrf, "next": "/graph"})
    assert bad.status_code == 401 and "not the one" in bad.text
    assert "orchestron_auth" not in locked.cookies
    r = await locked.post(
        "/login",
        data={"token": TOKEN, "_csrf": csrf, "next": "/graph"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/graph"
    set_cookie = r.headers["set-cookie"].lower()
    assert "orchestron_auth=" in set_cookie and "httponly" in set_cookie
    assert "samesite=strict" in set_cookie
    assert TOKEN not in r.headers["set-cookie"]  # the cookie proves the token without holding it
    # Now the cookie opens pages and the API...
    assert (await locked.get("/graph")).status_code == 200
    assert (await locked.get("/api/tasks")).status_code == 200
    # ...but a state-changing request with only the cookie is refused (CSRF):
    r = await locked.post("/api/tasks", json={"title": "forged"})
    assert r.status_code == 403 and r.json()["error"] == "csrf"
    r = await locked.post("/api/tasks", json={"title": "forged"}, headers={"X-CSRF-Token": "guess"})
    assert r.status_code == 403
    r = await locked.post("/api/tasks", json={"title": "mine"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    listed = (await locked.get("/api/tasks")).json()["items"]
    assert [t["title"] for t in listed] == ["mine"]


async def test_login_refuses_an_open_redirect_and_a_missing_form_token(locked: Client) -> None:
    await locked.get("/login")
    csrf = locked.cookies["orchestron_csrf"]
    r = await locked.post(
        "/login",
        data={"token": TOKEN, "_csrf": csrf, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"
    locked.cookies.delete("orchestron_auth")
    r = await locked.post("/login", data={"token": TOKEN, "next": "/"}, follow_redirects=False)
    assert r.status_code == 403


async def test_logout_drops_the_cookie(locked: Client) -> None:
    await locked.get("/login")
    csrf = locked.cookies["orchestron_csrf"]
    await locked.post("/login", data={"token": TOKEN, "_csrf": csrf, "next": "/"})
    assert (await locked.get("/api/tasks")).status_code == 200
    r = await locked.post("/logout", data={"_csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    locked.cookies.delete("orchestron_auth")  # what the browser does with the expired cookie
    assert "orchestron_auth=" in r.headers["set-cookie"]
    assert (await locked.get("/api/tasks")).status_code == 401


async def test_static_files_and_the_login_page_need_no_token(locked: Client) -> None:
    assert (await locked.get("/static/app.css")).status_code == 200
    assert (await locked.get("/login")).status_code == 200


async def test_without_a_token_browser_posts_still_need_the_csrf_token(client: Client) -> None:
    await client.get("/")
    csrf = client.cookies["orchestron_csrf"]
    origin = {"Origin": BASE_URL}
    r = await client.post("/api/tasks", json={"title": "x"}, headers=origin)
    assert r.status_code == 403 and r.json()["error"] == "csrf"
    r = await client.post(
        "/api/tasks", json={"title": "x"}, headers={**origin, "X-CSRF-Token": csrf}
    )
    assert r.status_code == 201
    # A script on this machine (no Origin, no browser) may post without it.
    client.cookies.clear()
    r = await client.post("/api/tasks", json={"title": "y"})
    assert r.status_code == 201


@pytest.mark.filterwarnings("ignore:The base_url .* might cause issues")
async def test_without_a_token_only_localhost_names_are_served(
    make_app: Callable[..., Litestar],
) -> None:
    async with AsyncTestClient(make_app(), base_url="http://rebound.example:8765") as c:
        r = await c.get("/api/tasks")
        assert r.status_code == 403
        assert "localhost" in r.json()["message"]
    async with AsyncTestClient(make_app(), base_url="http://localhost:8765") as c:
        assert (await c.get("/api/tasks")).status_code == 200


async def test_security_headers(client: Client) -> None:
    r = await client.get("/")
    assert r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_bind_rule() -> None:
    for host in ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"]:
        assert is_loopback(host), host
        check_bind(host, None)
    for host in ["0.0.0.0", "192.168.1.10", "::", "example.com"]:
        assert not is_loopback(host), host
        with pytest.raises(InsecureBindError, match="token"):
            check_bind(host, None)
        check_bind(host, "a-token-of-20-chars")
        # Issue 18: a token has at least 16 characters, and is never blank.
        for weak in ("a-token", "   "):
            with pytest.raises(InsecureBindError, match="token"):
                check_bind(host, weak)


def test_cli_refuses_a_public_bind_without_a_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ORCHESTRON_DASHBOARD_TOKEN", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["--host", "0.0.0.0", "--port", "0"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "refusing to listen on 0.0.0.0 without a token" in err


def test_the_listening_socket_is_tcp_so_responses_are_not_delayed() -> None:
    # asyncio turns on TCP_NODELAY only for sockets whose proto is TCP; a socket made
    # with proto 0 made every response wait ~40 ms for a delayed ACK.
    sock = listen_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockname()[1] > 0
    finally:
        sock.close()
