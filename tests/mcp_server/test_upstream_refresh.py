"""Upstream tokens: refreshed once for many concurrent calls; an ended upstream grant ends ours."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from mcp_server.app import Overrides
from mcp_server.upstream import UpstreamClient, UpstreamTokens, UpstreamUnavailable
from tests.mcp_server.conftest import Stack, running_stack
from tests.mcp_server.oauth_steps import obtain_code, redeem, register

N = 8


@dataclass
class CountingUpstream:
    """Wraps the real upstream client: counts refreshes, can hold, break or fail them."""

    inner: UpstreamClient
    refreshes: int = 0
    hold: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)
    mode: str = "pass"  # "pass", "revoked" (the provider says invalid_grant), "down"

    async def authorization_url(self, **kwargs: Any) -> str:
        return await self.inner.authorization_url(**kwargs)

    async def exchange_code(self, **kwargs: Any) -> UpstreamTokens:
        return await self.inner.exchange_code(**kwargs)

    async def validate_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        return await self.inner.validate_id_token(id_token, nonce=nonce)

    async def refresh(self, refresh_token: str) -> UpstreamTokens:
        self.refreshes += 1
        self.entered.set()
        if self.hold is not None:
            await asyncio.to_thread(self.hold.wait, 10)
        if self.mode == "down":
            raise UpstreamUnavailable("temporarily_unavailable", "simulated outage")
        if self.mode == "revoked":
            refresh_token = "revoked-" + refresh_token  # the real provider answers invalid_grant
        return await self.inner.refresh(refresh_token)


def _age_upstream_token(grants_file: Path, seconds_left: float) -> str:
    with sqlite3.connect(grants_file) as db:
        (grant_id,) = db.execute(
            "SELECT id FROM grants WHERE kind = 'authorization_code'"
        ).fetchone()
        db.execute(
            "UPDATE grants SET upstream_expires_at = ? WHERE id = ?",
            (time.time() + seconds_left, grant_id),
        )
    return str(grant_id)


def _call(token: str, tool: str = "list-todos", request_id: int = 1) -> dict[str, Any]:
    return {
        "url": "/mcp",
        "headers": {
            "Authorization": f"Bearer {token}",
            "Accept": "application/json, text/event-stream",
            "Content-Type": "application/json",
        },
        "json": {
            "jsonrpc": "2.0",
            "id": request_id,
            "method": "tools/call",
            "params": {"name": tool, "arguments": {}},
        },
    }


async def _baton_token(stack: Stack) -> str:
    client = register(stack.mcp.url)
    grant = await obtain_code(stack.mcp.url, client)
    return str(redeem(stack.mcp.url, grant).json()["access_token"])


async def _poll(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.005)


async def test_concurrent_tool_calls_with_a_near_expiry_upstream_token_refresh_it_exactly_once(
    tmp_path: Path,
) -> None:
    hold = threading.Event()
    counters: list[CountingUpstream] = []

    def wrap(inner: UpstreamClient) -> UpstreamClient:
        counters.append(CountingUpstream(inner, hold=hold))
        return counters[-1]

    with running_stack(tmp_path, overrides=Overrides(wrap_upstream=wrap)) as stack:
        token = await _baton_token(stack)
        grant_id = _age_upstream_token(stack.mcp.grants_file, seconds_left=5)
        grants = stack.mcp.app.state.grants
        async with httpx.AsyncClient(base_url=stack.mcp.url, timeout=30) as http:
            calls = [asyncio.create_task(http.post(**_call(token, request_id=i))) for i in range(N)]
            # Let the refresh finish only once every other call is queued behind it.
            await _poll(lambda: counters[0].entered.is_set() and grants.queued(grant_id) == N - 1)
            hold.set()
            responses = await asyncio.gather(*calls)

    assert [r.status_code for r in responses] == [200] * N
    assert all(not r.json()["result"]["isError"] for r in responses)
    assert counters[0].refreshes == 1


async def test_an_upstream_invalid_grant_revokes_the_grant_and_the_client_gets_invalid_token(
    tmp_path: Path,
) -> None:
    counters: list[CountingUpstream] = []

    def wrap(inner: UpstreamClient) -> UpstreamClient:
        counters.append(CountingUpstream(inner, mode="revoked"))
        return counters[-1]

    with running_stack(tmp_path, overrides=Overrides(wrap_upstream=wrap)) as stack:
        token = await _baton_token(stack)
        _age_upstream_token(stack.mcp.grants_file, seconds_left=-1)
        async with httpx.AsyncClient(base_url=stack.mcp.url, timeout=30) as http:
            first = await http.post(**_call(token))
            second = await http.post(**_call(token, tool="whoami"))

    assert first.status_code == 401
    assert 'error="invalid_token"' in first.headers["www-authenticate"]
    assert "resource_metadata=" in first.headers["www-authenticate"]
    assert second.status_code == 401, "the grant stays revoked"
    assert counters[0].refreshes == 1


async def test_a_transient_upstream_failure_is_a_retryable_503_not_a_stack_trace(
    tmp_path: Path,
) -> None:
    counters: list[CountingUpstream] = []

    def wrap(inner: UpstreamClient) -> UpstreamClient:
        counters.append(CountingUpstream(inner, mode="down"))
        return counters[-1]

    with running_stack(tmp_path, overrides=Overrides(wrap_upstream=wrap)) as stack:
        token = await _baton_token(stack)
        _age_upstream_token(stack.mcp.grants_file, seconds_left=-1)
        async with httpx.AsyncClient(base_url=stack.mcp.url, timeout=30) as http:
            response = await http.post(**_call(token))
            counters[0].mode = "pass"
            recovered = await http.post(**_call(token))

    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert response.json()["error"] == "temporarily_unavailable"
    assert "Traceback" not in response.text
    assert recovered.status_code == 200


async def test_a_near_expiry_token_is_still_used_while_the_upstream_is_down(tmp_path: Path) -> None:
    counters: list[CountingUpstream] = []

    def wrap(inner: UpstreamClient) -> UpstreamClient:
        counters.append(CountingUpstream(inner, mode="down"))
        return counters[-1]

    with running_stack(tmp_path, overrides=Overrides(wrap_upstream=wrap)) as stack:
        token = await _baton_token(stack)
        _age_upstream_token(stack.mcp.grants_file, seconds_left=30)
        async with httpx.AsyncClient(base_url=stack.mcp.url, timeout=30) as http:
            response = await http.post(**_call(token))

    assert response.status_code == 200
    assert not response.json()["result"]["isError"]


def _lease(grants_file: Path, grant_id: str, until: float) -> None:
    with sqlite3.connect(grants_file) as db:
        db.execute("UPDATE grants SET refresh_lease_until = ? WHERE id = ?", (until, grant_id))


async def test_a_replica_waits_for_another_replicas_refresh_instead_of_spending_the_token_again(
    tmp_path: Path,
) -> None:
    counters: list[CountingUpstream] = []

    def wrap(inner: UpstreamClient) -> UpstreamClient:
        counters.append(CountingUpstream(inner))
        return counters[-1]

    with running_stack(tmp_path, overrides=Overrides(wrap_upstream=wrap)) as stack:
        token = await _baton_token(stack)
        grant_id = _age_upstream_token(stack.mcp.grants_file, seconds_left=5)
        _lease(stack.mcp.grants_file, grant_id, time.time() + 30)  # another replica is refreshing
        grants = stack.mcp.app.state.grants
        async with httpx.AsyncClient(base_url=stack.mcp.url, timeout=30) as http:
            call = asyncio.create_task(http.post(**_call(token)))
            await _poll(lambda: grants.peer_waits == 1)
            with sqlite3.connect(stack.mcp.grants_file) as db:  # ... and stores its result
                db.execute(
                    "UPDATE grants SET version = version + 1, upstream_expires_at = ?, "
                    "refresh_lease_until = NULL WHERE id = ?",
                    (time.time() + 3600, grant_id),
                )
            response = await call

    assert response.status_code == 200
    assert not response.json()["result"]["isError"]
    assert counters[0].refreshes == 0


async def test_when_the_other_replicas_lease_lapses_this_one_refreshes_itself(
    tmp_path: Path,
) -> None:
    counters: list[CountingUpstream] = []

    def wrap(inner: UpstreamClient) -> UpstreamClient:
        counters.append(CountingUpstream(inner))
        return counters[-1]

    with running_stack(tmp_path, overrides=Overrides(wrap_upstream=wrap)) as stack:
        token = await _baton_token(stack)
        grant_id = _age_upstream_token(stack.mcp.grants_file, seconds_left=5)
        _lease(stack.mcp.grants_file, grant_id, time.time() + 0.3)  # a replica that then died
        async with httpx.AsyncClient(base_url=stack.mcp.url, timeout=30) as http:
            response = await http.post(**_call(token))

    assert response.status_code == 200
    assert counters[0].refreshes == 1
