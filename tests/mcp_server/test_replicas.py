"""Two replicas behind one public URL, sharing the Redis grant store."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import redis
from cryptography.fernet import Fernet

from mcp_server.app import Overrides
from mcp_server.upstream import UpstreamClient
from tests.mcp_server.oauth_steps import obtain_code, redeem, register
from tests.mcp_server.test_upstream_refresh import CountingUpstream, _call, _poll
from tests.support.devidp import RunningDevIdP, password_token, running_devidp
from tests.support.mcp import RunningMcpServer, exchange_token, running_mcp_server
from tests.support.servers import free_port
from tests.support.todos import running_todos_api


@dataclass
class Replicas:
    idp: RunningDevIdP
    a: RunningMcpServer
    b: RunningMcpServer
    counters: list[CountingUpstream]

    @property
    def public(self) -> str:
        return self.a.url

    def host(self) -> str:
        return httpx.URL(self.public).netloc.decode()


@contextlib.contextmanager
def two_replicas(
    tmp_path: Path, redis_url: str, hold: threading.Event | None = None
) -> Iterator[Replicas]:
    counters: list[CountingUpstream] = []

    def wrap(inner: UpstreamClient) -> UpstreamClient:
        counters.append(CountingUpstream(inner, hold=hold))
        return counters[-1]

    with redis.Redis.from_url(redis_url) as db:
        db.flushdb()  # the session's server; this test's replicas use the default key prefix
    port_a = free_port()
    public = f"http://127.0.0.1:{port_a}"
    shared: dict[str, Any] = {
        "REDIS_URL": redis_url,
        "MCP_ENCRYPTION_KEY": Fernet.generate_key().decode(),  # replicas must share it
        "MCP_PUBLIC_URL": public,
    }
    overrides = Overrides(wrap_upstream=wrap)
    with (
        running_devidp(tmp_path, MCP_PUBLIC_URL=public) as idp,
        running_todos_api(tmp_path, idp.issuer) as api,
        running_mcp_server(
            tmp_path / "a", idp.issuer, api.url, port=port_a, overrides=overrides, **shared
        ) as a,
        running_mcp_server(tmp_path / "b", idp.issuer, api.url, overrides=overrides, **shared) as b,
    ):
        yield Replicas(idp, a, b, counters)


async def test_tokens_from_one_replica_work_at_the_other_and_rotation_is_shared(
    tmp_path: Path, redis_url: str
) -> None:
    with two_replicas(tmp_path, redis_url) as r:
        client = register(r.public)
        tokens = redeem(r.public, await obtain_code(r.public, client)).json()
        at_b = {"Host": r.host()}
        async with httpx.AsyncClient(base_url=r.b.url, headers=at_b, timeout=30) as b:
            listed = await b.post(**_call(tokens["access_token"]))
            rotated = await b.post(
                "/token",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": tokens["refresh_token"],
                    "client_id": client.client_id,
                },
            )
        replay = httpx.post(
            r.public + "/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                "client_id": client.client_id,
            },
        )
        exchanged = exchange_token(r.public, password_token(r.idp.url, "alice")["access_token"])
        async with httpx.AsyncClient(base_url=r.b.url, headers=at_b, timeout=30) as b:
            after_theft = await b.post(**_call(rotated.json()["access_token"]))
            exchanged_at_b = await b.post(**_call(exchanged, tool="whoami"))

    assert listed.status_code == 200
    assert rotated.status_code == 200
    assert replay.json()["error"] == "invalid_grant", "replica A knows B rotated the token"
    assert after_theft.status_code == 401, "the reuse ended the family on both replicas"
    assert exchanged_at_b.status_code == 200


def _age_upstream_token_in_redis(redis_url: str, seconds_left: float) -> str:
    """Makes the (only) grant's upstream token near expiry; returns the grant id."""
    with redis.Redis.from_url(redis_url) as db:
        (key,) = db.keys("baton:mcp:grant:*")
        db.hset(key, "upstream_expires_at", str(time.time() + seconds_left))
    return key.decode().rsplit(":", 1)[1]


async def test_concurrent_calls_on_two_replicas_refresh_the_upstream_token_once(
    tmp_path: Path, redis_url: str
) -> None:
    hold = threading.Event()
    with two_replicas(tmp_path, redis_url, hold=hold) as r:
        client = register(r.public)
        token = redeem(r.public, await obtain_code(r.public, client)).json()["access_token"]
        _age_upstream_token_in_redis(redis_url, seconds_left=5)
        async with (
            httpx.AsyncClient(base_url=r.a.url, timeout=30) as a,
            httpx.AsyncClient(base_url=r.b.url, headers={"Host": r.host()}, timeout=30) as b,
        ):
            calls = [
                asyncio.create_task(http.post(**_call(token, request_id=i)))
                for i in range(4)
                for http in (a, b)
            ]
            peers = (r.a.app.state.grants, r.b.app.state.grants)
            await _poll(
                lambda: (
                    sum(c.entered.is_set() for c in r.counters) == 1
                    and sum(p.peer_waits for p in peers) >= 1
                )
            )
            hold.set()
            responses = await asyncio.gather(*calls)

    assert [x.status_code for x in responses] == [200] * 8
    assert sum(c.refreshes for c in r.counters) == 1
