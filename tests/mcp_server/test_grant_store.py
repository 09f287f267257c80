"""The SQLite grant store: single-use operations and client expiry, on a real file."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from mcp_server.auth.cimd import CimdFetcher
from mcp_server.auth.registry import ClientRegistry
from mcp_server.grants.redis import RedisGrantStore
from mcp_server.grants.sqlite import SCHEMA, SqliteGrantStore
from mcp_server.grants.store import (
    AuthorizationCodeRecord,
    ClientRecord,
    ClientSource,
    Grant,
    GrantStore,
    TokenRecord,
)

DAY = 86400.0


@pytest.fixture(params=["sqlite", "redis"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[GrantStore]:
    """Each test runs against both implementations of the Protocol."""
    if request.param == "sqlite":
        store: GrantStore = SqliteGrantStore(str(tmp_path / "grants.sqlite"))
    else:
        store = RedisGrantStore(
            request.getfixturevalue("redis_url"), prefix=f"test:{uuid.uuid4()}:"
        )
    await store.initialize()
    yield store
    await store.close()


def _client(client_id: str, last_used: float, source: ClientSource = "dcr") -> ClientRecord:
    return ClientRecord(
        client_id, {"redirect_uris": ["http://127.0.0.1/cb"]}, None, source, last_used, last_used
    )


def _grant(grant_id: str, client_id: str, revoked: bool = False) -> Grant:
    return Grant(
        grant_id,
        "auth0|alice",
        client_id,
        "authorization_code",
        [],
        {},
        "enc",
        None,
        0.0,
        0,
        0.0,
        revoked,
    )


async def test_only_long_unused_registrations_without_a_live_grant_are_purged(
    store: SqliteGrantStore,
) -> None:
    now = time.time()
    await store.save_client(_client("idle", now - 40 * DAY))
    await store.save_client(_client("idle-with-grant", now - 40 * DAY))
    await store.save_client(_client("idle-with-revoked-grant", now - 40 * DAY))
    await store.save_client(_client("recent", now - DAY))
    await store.save_client(
        _client("https://app.example/client.json", now - 40 * DAY, source="cimd")
    )
    await store.save_grant(_grant("g1", "idle-with-grant"))
    await store.save_grant(_grant("g2", "idle-with-revoked-grant", revoked=True))

    purged = await store.purge_idle_clients(now - 30 * DAY)

    assert purged == 2
    assert await store.get_client("idle") is None
    assert await store.get_client("idle-with-revoked-grant") is None
    for kept in ("idle-with-grant", "recent", "https://app.example/client.json"):
        assert await store.get_client(kept) is not None


async def test_using_a_client_slides_its_last_used_time_forward(
    store: SqliteGrantStore, tmp_path: Path
) -> None:
    clock = [time.time()]
    await store.save_client(_client("app", clock[0] - 29 * DAY))
    async with httpx.AsyncClient() as http:
        registry = ClientRegistry(
            store,
            CimdFetcher(http, development=True),
            graph_client_id="baton-graph",
            graph_client_secret="s",
            idle_ttl=30 * DAY,
            clock=lambda: clock[0],
        )
        assert await registry.get("app") is not None
        clock[0] += 2 * DAY

    assert await store.purge_idle_clients(clock[0] - 30 * DAY) == 0
    assert await store.get_client("app") is not None


async def test_a_code_is_consumed_by_exactly_one_of_many_concurrent_redeemers(
    store: SqliteGrantStore,
) -> None:
    await store.save_code(
        AuthorizationCodeRecord(
            "h", "g", "c", "http://127.0.0.1/cb", True, "ch", [], "r", time.time() + 60
        )
    )

    results = await asyncio.gather(*(store.consume_code("h") for _ in range(10)))

    assert results.count(True) == 1


async def test_a_refresh_token_is_rotated_by_exactly_one_of_many_concurrent_requests(
    store: SqliteGrantStore,
) -> None:
    now = time.time()
    await store.save_tokens(TokenRecord("rt", "refresh", "g", "c", [], "r", now + 60, now))

    results = await asyncio.gather(*(store.use_refresh_token("rt") for _ in range(10)))

    assert results.count(True) == 1


async def test_an_upstream_token_is_replaced_only_from_the_version_it_was_read_at(
    store: SqliteGrantStore,
) -> None:
    await store.save_grant(_grant("g", "c"))

    first = await store.replace_upstream("g", 0, access_enc="a1", refresh_enc=None, expires_at=1.0)
    stale = await store.replace_upstream("g", 0, access_enc="a2", refresh_enc=None, expires_at=2.0)

    assert (first, stale) == (True, False)
    grant = await store.get_grant("g")
    assert grant is not None and grant.upstream_access_enc == "a1" and grant.version == 1


async def test_revoking_a_grant_revokes_its_tokens(store: GrantStore) -> None:
    now = time.time()
    await store.save_grant(_grant("g", "c"))
    await store.save_tokens(
        TokenRecord("at", "access", "g", "c", [], "r", now + 60, now),
        TokenRecord("rt", "refresh", "g", "c", [], "r", now + 60, now),
    )

    await store.revoke_grant("g")

    for token_hash in ("at", "rt"):
        token = await store.get_token(token_hash)
        assert token is not None and token.revoked
    assert not await store.use_refresh_token("rt")


async def test_one_of_many_concurrent_claimants_gets_the_refresh_lease(
    store: SqliteGrantStore,
) -> None:
    now = time.time()
    await store.save_grant(_grant("g", "c"))

    claims = await asyncio.gather(*(store.claim_refresh("g", 0, now + 30, now) for _ in range(10)))

    assert claims.count(True) == 1
    assert not await store.claim_refresh("g", 0, now + 30, now + 29), "still leased"
    assert await store.claim_refresh("g", 0, now + 60, now + 31), "a lapsed lease can be taken over"


async def test_storing_new_upstream_tokens_or_releasing_ends_the_lease(
    store: SqliteGrantStore,
) -> None:
    now = time.time()
    await store.save_grant(_grant("g", "c"))
    assert await store.claim_refresh("g", 0, now + 30, now)

    await store.release_refresh("g", 0)
    assert await store.claim_refresh("g", 0, now + 30, now)
    assert await store.replace_upstream("g", 0, access_enc="a", refresh_enc=None, expires_at=1.0)

    grant = await store.get_grant("g")
    assert grant is not None and grant.refresh_lease_until is None
    assert not await store.claim_refresh("g", 0, now + 30, now), "the version moved on"


async def test_a_grants_file_from_before_refresh_leases_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA.replace(", refresh_lease_until REAL", ""))
    old = SqliteGrantStore(str(path))
    await old.initialize()
    try:
        await old.save_grant(_grant("g", "c"))
        assert await old.claim_refresh("g", 0, time.time() + 30, time.time())
    finally:
        await old.close()
