"""The one rule every HTTP door follows: bind, token, Host and Origin (runtime RequestGuard)."""

from __future__ import annotations

import socket

import pytest

from orchestron.runtime import InsecureBindError, RequestGuard, check_bind, check_token

TOKEN = "a-token-of-24-characters"


@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("x", "only 1 character long"),
        ("fifteen-chars!!", "at least 16"),
        ("   ", "blank"),
        (" padded-token-20chars ", "space"),
    ],
)
def test_weak_tokens_are_refused(token: str, words: str) -> None:
    with pytest.raises(InsecureBindError, match=words):
        check_token(token)


def test_no_token_means_none_and_a_good_one_is_kept() -> None:
    assert check_token(None) is None and check_token("") is None
    assert check_token(TOKEN) == TOKEN
    assert check_bind("0.0.0.0", TOKEN) == TOKEN
    with pytest.raises(InsecureBindError, match="without a token"):
        check_bind("0.0.0.0", None)
    assert check_bind("127.0.0.1", None) is None


def test_without_a_token_only_loopback_hosts() -> None:
    guard = RequestGuard(None, allowed_hosts=None)
    for host in ("127.0.0.1:8765", "localhost", "[::1]:80", "127.0.0.2"):
        assert guard.host_allowed(host), host
    for host in ("evil.example", "evil.example:8765", "10.0.0.5", socket.gethostname() + ".x"):
        assert not guard.host_allowed(host), host


def test_with_a_token_ip_literals_and_this_machines_names_too() -> None:
    guard = RequestGuard(TOKEN)
    assert guard.host_allowed("192.0.2.7:8765") and guard.host_allowed("[2001:db8::1]:80")
    assert guard.host_allowed(socket.gethostname())
    assert not guard.host_allowed("rebind.evil.example")


def test_allowed_hosts_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORCHESTRON_ALLOWED_HOSTS", "board.team.example, other.example")
    guard = RequestGuard(TOKEN)
    assert guard.host_allowed("board.team.example:443")
    assert not guard.host_allowed("third.example")


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        (None, "127.0.0.1:8765", True),
        ("http://127.0.0.1:8765", "127.0.0.1:8765", True),
        ("http://localhost:8765", "127.0.0.1:8765", True),
        ("https://board.example", "board.example", True),
        ("https://board.example", "board.example:8765", False),
        ("https://board.example", "board.example:443", True),
        ("http://evil.example", "127.0.0.1:8765", False),
        ("http://127.0.0.1:9999", "127.0.0.1:8765", False),
        ("null", "127.0.0.1:8765", False),
        ("file://", "127.0.0.1:8765", False),
        ("http://127.0.0.1:notaport", "127.0.0.1:8765", False),
    ],
)
def test_origin_must_be_the_hosts_own(origin: str | None, host: str, allowed: bool) -> None:
    assert RequestGuard(None).origin_allowed(origin, host) is allowed


def test_bearer_token() -> None:
    guard = RequestGuard(TOKEN)
    assert guard.bearer_refusal({"authorization": f"Bearer {TOKEN}"}) is None
    assert guard.bearer_refusal({"authorization": f"bearer  {TOKEN} "}) is None
    for header in ({}, {"authorization": TOKEN}, {"authorization": "Bearer nope"}):
        refused = guard.bearer_refusal(header)
        assert refused is not None and refused[0] == 401
    assert RequestGuard(None).bearer_refusal({}) is None
