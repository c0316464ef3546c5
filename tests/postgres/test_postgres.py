"""What only PostgreSQL has: URLs, migrations, schemas, LISTEN/NOTIFY, a server that goes away."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from orchestron.core import Orchestron
from orchestron.core.errors import InvalidInputError, StorageError
from orchestron.core.testing import FixedClock
from orchestron.postgres import SCHEMA_VERSION, PostgresStorage, parse_url
from orchestron.runtime import locate_store, open_storage
from pg_fixture import PgServer, pg_available

pytestmark = pytest.mark.anyio


def test_url_parameters_are_ours_or_passed_through() -> None:
    s = parse_url(
        "postgresql://ann:secret@db.example:6543/board?schema=team_a&pool_max=8"
        "&command_timeout=5&sslmode=prefer"
    )
    assert s.schema == "team_a"
    assert s.pool_max == 8
    assert s.command_timeout == 5.0
    assert s.where == "db.example:6543"
    assert s.dsn == "postgresql://ann:secret@db.example:6543/board?sslmode=prefer"
    assert "secret" not in s.where
    with pytest.raises(InvalidInputError, match="schema"):
        parse_url("postgresql://h/db?schema=Robert'); DROP TABLE tasks;--")
    with pytest.raises(InvalidInputError, match="pool_max"):
        parse_url("postgresql://h/db?pool_max=lots")


async def test_migrations_run_once_and_a_newer_schema_is_refused(
    pg_url: str, pg_server: PgServer
) -> None:
    openers = await asyncio.gather(*(PostgresStorage.open(pg_url) for _ in range(4)))
    for storage in openers:
        assert await storage.schema_version() == SCHEMA_VERSION
        await storage.close()
    database = pg_url.rsplit("/", 1)[1]
    pg_server.psql("UPDATE orchestron.meta SET value = '99' WHERE key = 'schema_version'", database)
    with pytest.raises(StorageError) as info:
        await PostgresStorage.open(pg_url)
    assert "schema version 99" in str(info.value)
    assert f"up to version {SCHEMA_VERSION}" in str(info.value)
    assert not info.value.retryable


async def test_two_schemas_in_one_database_are_two_projects(pg_url: str) -> None:
    a = await PostgresStorage.open(pg_url + "?schema=team_a")
    b = await PostgresStorage.open(pg_url + "?schema=team_b")
    try:
        await Orchestron(a, FixedClock()).create_task("only in a")
        assert await Orchestron(b, FixedClock()).list_tasks() == []
        assert (await Orchestron(b, FixedClock()).create_task("b's first")).id == "TASK-001"
    finally:
        await a.close()
        await b.close()


async def test_the_runtime_opens_postgres_for_a_postgresql_url(pg_url: str) -> None:
    storage = await open_storage(locate_store(pg_url, env={}))
    try:
        assert isinstance(storage, PostgresStorage)
    finally:
        await storage.close()


async def test_a_missing_database_names_the_fix(pg_server: PgServer) -> None:
    with pytest.raises(StorageError, match="createdb"):
        await PostgresStorage.open(pg_server.url("no_such_db"))


async def test_an_unreachable_server_is_a_clear_retryable_error() -> None:
    url = "postgresql://orchestron@127.0.0.1:1/x?retry_seconds=0.3&connect_timeout=1"
    with pytest.raises(StorageError) as info:
        await PostgresStorage.open(url)
    assert info.value.retryable
    assert "PostgreSQL at 127.0.0.1:1 is unreachable" in str(info.value)
    assert "retry" in str(info.value)


async def test_listen_events_pushes_each_committed_seq(pg_url: str) -> None:
    storage = await PostgresStorage.open(pg_url)
    writer = await PostgresStorage.open(pg_url)
    orch = Orchestron(writer, FixedClock())
    seen: list[int] = []
    try:
        async with contextlib.aclosing(storage.listen_events()) as live:
            assert await anext(live) == 0  # the last seq when the listener connects
            await orch.create_task("A")
            await orch.create_task("B", depends_on=["TASK-001"])
            with contextlib.suppress(RuntimeError):
                async with writer.transaction() as tx:  # rolled back: announces nothing
                    await tx.tasks.get("TASK-001")
                    raise RuntimeError("abandon")
            await orch.create_task("C")
            async with asyncio.timeout(5):
                while len(seen) < 4:
                    seen.append(await anext(live))
    finally:
        await storage.close()
        await writer.close()
    assert seen == [1, 2, 3, 4]


@pytest.fixture(scope="module")
def own_server() -> Iterator[PgServer]:
    """A server of this module's own, to stop and restart at will (tests leave it running)."""
    reason = pg_available()
    if reason:
        pytest.skip(reason)
    server = PgServer().start()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
async def own_storage(own_server: PgServer) -> AsyncIterator[PostgresStorage]:
    if not own_server.running:
        own_server.restart()
    name = own_server.create_database()
    storage = await PostgresStorage.open(own_server.url(name, retry_seconds="3"))
    try:
        yield storage
    finally:
        await storage.close()


async def test_the_adapter_reconnects_after_a_restart(
    own_server: PgServer, own_storage: PostgresStorage
) -> None:
    orch = Orchestron(own_storage, FixedClock())
    await orch.create_task("before")
    own_server.restart()
    await orch.create_task("after")  # the dead pooled connection is replaced at BEGIN
    assert [t.title for t in await orch.list_tasks()] == ["before", "after"]


async def test_a_server_that_stays_down_gives_a_retryable_error_then_recovers(
    own_server: PgServer, own_storage: PostgresStorage
) -> None:
    orch = Orchestron(own_storage, FixedClock())
    await orch.create_task("kept")
    own_server.stop()
    with pytest.raises(StorageError) as info:
        await orch.create_task("lost")
    assert info.value.retryable
    assert f"127.0.0.1:{own_server.port} is unreachable" in str(info.value)
    own_server.restart()
    await orch.create_task("again")
    assert [t.title for t in await orch.list_tasks()] == ["kept", "again"]


async def test_a_connection_cut_mid_unit_of_work_commits_nothing(
    own_server: PgServer, own_storage: PostgresStorage
) -> None:
    orch = Orchestron(own_storage, FixedClock())
    await orch.create_task("kept")
    with pytest.raises(StorageError) as info:
        async with own_storage.transaction() as tx:
            await tx.next_number("TASK")
            own_server.psql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'orchestron' AND pid <> pg_backend_pid()"
            )
            await tx.tasks.get("TASK-001")
    assert info.value.retryable
    assert (await orch.create_task("next")).id == "TASK-002"


async def test_an_interrupted_commit_that_did_commit_is_a_success(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = await PostgresStorage.open(pg_url)
    real = PostgresStorage._send_commit

    async def commit_then_drop(self: PostgresStorage, conn: asyncpg.Connection) -> None:  # type: ignore[type-arg]
        await real(self, conn)
        raise ConnectionResetError("connection reset by peer")

    try:
        orch = Orchestron(storage, FixedClock())
        monkeypatch.setattr(PostgresStorage, "_send_commit", commit_then_drop)
        await orch.create_task("committed though the reply was lost")
        monkeypatch.undo()
        assert [t.title for t in await orch.list_tasks()] == ["committed though the reply was lost"]
    finally:
        await storage.close()


async def test_an_interrupted_commit_that_did_not_commit_is_retryable(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = await PostgresStorage.open(pg_url)

    async def drop_before_commit(self: PostgresStorage, conn: asyncpg.Connection) -> None:  # type: ignore[type-arg]
        conn.terminate()
        raise ConnectionResetError("connection reset by peer")

    try:
        orch = Orchestron(storage, FixedClock())
        monkeypatch.setattr(PostgresStorage, "_send_commit", drop_before_commit)
        with pytest.raises(StorageError) as info:
            await orch.create_task("never stored")
        monkeypatch.undo()
        assert info.value.retryable
        assert "nothing was committed" in str(info.value)
        assert await orch.list_tasks() == []
    finally:
        await storage.close()


async def test_listen_events_carries_on_across_a_restart(
    own_server: PgServer, own_storage: PostgresStorage
) -> None:
    orch = Orchestron(own_storage, FixedClock())
    await orch.create_task("before")
    async with contextlib.aclosing(own_storage.listen_events()) as live:
        assert await anext(live) == 1
        own_server.restart()
        await orch.create_task("after")  # committed while the listener reconnects
        seen: list[int] = []
        async with asyncio.timeout(30):
            while 2 not in seen:
                seen.append(await anext(live))
        # After reconnecting it yields the last seq first, so nothing is missed.
        assert seen[-1] == 2
