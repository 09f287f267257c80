"""The SessionStore contract, run against both stores: SQLite (embedded) and Redis (scale-out)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from api.crypto import TokenCipher
from api.sessions import SessionStore, SessionTokens, SqliteSessionStore
from api.sessions_redis import RedisSessionStore
from tests.support.redis_server import REDIS_SERVER, running_redis

Clock = list[float]
Opener = Callable[[TokenCipher, Clock], Any]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not REDIS_SERVER:
        pytest.skip("redis-server is not installed")
    with running_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(params=["sqlite", "redis"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def opener(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Opener]:
    """Opens a store of ``kind`` on the same backing data each time (to test restarts)."""
    opened: list[SessionStore] = []
    if kind == "redis":
        url = request.getfixturevalue("redis_url")
        await flush(url)

    async def open_store(cipher: TokenCipher, clock: Clock) -> SessionStore:
        store: SessionStore
        if kind == "sqlite":
            store = await SqliteSessionStore.open(
                tmp_path / "s.sqlite",
                cipher,
                idle_ttl=100,
                absolute_ttl=300,
                clock=lambda: clock[0],
            )
        else:
            store = RedisSessionStore(
                aioredis.Redis.from_url(url),
                cipher,
                idle_ttl=100,
                absolute_ttl=300,
                clock=lambda: clock[0],
            )
        opened.append(store)
        return store

    yield open_store
    for store in opened:
        await store.close()


def as_bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


async def flush(url: str) -> None:
    client = aioredis.Redis.from_url(url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


TOKENS = SessionTokens(
    access_token="access-SECRET", expires_at=5000, refresh_token="refresh-SECRET", id_token="id"
)


async def test_a_created_session_reads_back_with_its_tokens(opener: Opener) -> None:
    store = await opener(TokenCipher("k"), [1000.0])

    session = await store.create(subject="auth0|alice", name="Alice", email="a@x", tokens=TOKENS)
    again = await store.get(session.id)

    assert again is not None
    assert (again.subject, again.name, again.email) == ("auth0|alice", "Alice", "a@x")
    assert again.tokens == TOKENS and again.csrf_token == session.csrf_token
    assert await store.get("not-" + session.id) is None
    assert await store.get("") is None and await store.get("x" * 500) is None


async def test_sessions_end_when_idle_and_at_their_absolute_lifetime(opener: Opener) -> None:
    now = [1000.0]
    store = await opener(TokenCipher("k"), now)
    idle = await store.create(subject="u", name="U", email=None, tokens=TOKENS)
    active = await store.create(subject="u", name="U", email=None, tokens=TOKENS)

    for _ in range(3):  # keep one session busy every 90 s (idle lifetime 100 s)
        now[0] += 90
        assert await store.get(active.id) is not None
    assert await store.get(idle.id) is None
    now[0] += 90  # 360 s after creation: past the 300 s absolute lifetime
    assert await store.get(active.id) is None


async def test_updating_tokens_replaces_them_but_never_resurrects_a_deleted_session(
    opener: Opener,
) -> None:
    store = await opener(TokenCipher("k"), [1000.0])
    session = await store.create(subject="u", name="U", email=None, tokens=TOKENS)
    fresh = SessionTokens(access_token="new", expires_at=6000, refresh_token="r2")

    await store.update_tokens(session.id, fresh)
    updated = await store.get(session.id)
    await store.delete(session.id)
    await store.update_tokens(session.id, fresh)

    assert updated is not None and updated.tokens == fresh
    assert await store.get(session.id) is None


async def test_a_changed_secret_ends_existing_sessions(opener: Opener) -> None:
    first = await opener(TokenCipher("one"), [1000.0])
    session = await first.create(subject="u", name="U", email=None, tokens=TOKENS)
    second = await opener(TokenCipher("two"), [1000.0])

    assert await second.get(session.id) is None


async def test_tokens_are_encrypted_and_ids_hashed_at_rest(
    opener: Opener, kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    store = await opener(TokenCipher("k"), [1000.0])
    session = await store.create(subject="u", name="U", email=None, tokens=TOKENS)

    if kind == "sqlite":
        with sqlite3.connect(tmp_path / "s.sqlite") as db:
            raw = "\n".join(db.iterdump()).encode()
    else:
        client = aioredis.Redis.from_url(request.getfixturevalue("redis_url"))
        parts: list[bytes] = []
        async for key in client.scan_iter():
            parts.append(key)
            for field, value in (await client.hgetall(key)).items():
                parts += [as_bytes(field), as_bytes(value)]
        await client.aclose()
        raw = b"\n".join(parts)

    assert b"access-SECRET" not in raw and b"refresh-SECRET" not in raw
    assert session.id.encode() not in raw


async def test_the_refresh_lock_lets_one_holder_in_at_a_time(opener: Opener) -> None:
    store = await opener(TokenCipher("k"), [1000.0])
    inside = 0
    most = 0

    async def hold() -> None:
        nonlocal inside, most
        async with store.refresh_lock("sid"):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.02)  # hold the lock across a suspension point
            inside -= 1

    # SQLite relies on the manager's in-process lock (one process per file), so take it too.
    gate = asyncio.Lock()

    async def hold_in_process() -> None:
        async with gate:
            await hold()

    await asyncio.gather(*(hold_in_process() for _ in range(5)))
    assert most == 1


async def test_redis_refresh_lock_excludes_other_processes(redis_url: str) -> None:
    # Two stores = two replicas; no shared in-process lock between them.
    await flush(redis_url)
    a = RedisSessionStore(
        aioredis.Redis.from_url(redis_url), TokenCipher("k"), idle_ttl=9, absolute_ttl=9
    )
    b = RedisSessionStore(
        aioredis.Redis.from_url(redis_url), TokenCipher("k"), idle_ttl=9, absolute_ttl=9
    )
    inside = 0
    most = 0

    async def hold(store: RedisSessionStore) -> None:
        nonlocal inside, most
        async with store.refresh_lock("sid"):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.05)
            inside -= 1

    try:
        await asyncio.gather(hold(a), hold(b), hold(a), hold(b))
    finally:
        await a.close()
        await b.close()
    assert most == 1
