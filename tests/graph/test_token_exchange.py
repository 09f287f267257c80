"""RFC 8693 exchange at the MCP server's discovered token endpoint, cached per user until near expiry."""

from __future__ import annotations

import httpx
import pytest

from graph.errors import ToolAccessRefused, ToolServerUnavailable
from graph.token_exchange import TokenExchanger
from tests.graph.conftest import ALICE_TOKEN, BOB_TOKEN, FakeMcp
from tests.support.servers import free_port


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def exchanger(
    http: httpx.AsyncClient, url: str, clock: Clock, secret: str = "dev-insecure-graph-secret"
) -> TokenExchanger:
    return TokenExchanger(
        http,
        issuer_url=url,
        resource=f"{url}/mcp",
        client_id="baton-graph",
        client_secret=secret,
        clock=clock,
    )


async def test_tokens_are_cached_per_user_and_sign_in_until_shortly_before_they_expire(
    fake_mcp: FakeMcp,
) -> None:
    clock = Clock()
    async with httpx.AsyncClient() as http:
        tokens = exchanger(http, fake_mcp.url, clock)
        first = await tokens.token_for("auth0|alice", ALICE_TOKEN)
        assert await tokens.token_for("auth0|alice", ALICE_TOKEN) == first
        bobs = await tokens.token_for("auth0|bob", BOB_TOKEN)
        clock.now += 3600 - 31  # the fake issues one-hour tokens; the margin is 30 s
        assert await tokens.token_for("auth0|alice", ALICE_TOKEN) == first
        clock.now += 2
        renewed = await tokens.token_for("auth0|alice", ALICE_TOKEN)

    assert len({first, bobs, renewed}) == 3
    assert tokens.exchanges == fake_mcp.state.exchanges == 3
    [sent, *_] = fake_mcp.state.exchange_log
    assert sent == {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
        "resource": f"{fake_mcp.url}/mcp",
        "client_id": "baton-graph",
        "client_secret": "dev-insecure-graph-secret",
    }


async def test_renewing_a_rejected_token_exchanges_again_but_only_once_for_concurrent_callers(
    fake_mcp: FakeMcp,
) -> None:
    async with httpx.AsyncClient() as http:
        tokens = exchanger(http, fake_mcp.url, Clock())
        rejected = await tokens.token_for("auth0|alice", ALICE_TOKEN)
        first = await tokens.renew("auth0|alice", ALICE_TOKEN, rejected)
        second = await tokens.renew("auth0|alice", ALICE_TOKEN, rejected)
    assert first == second != rejected
    assert fake_mcp.state.exchanges == 2


async def test_refusals_and_an_unreachable_server_raise_safe_typed_errors(
    fake_mcp: FakeMcp,
) -> None:
    async with httpx.AsyncClient() as http:
        with pytest.raises(ToolAccessRefused) as refused:
            await exchanger(http, fake_mcp.url, Clock()).token_for("auth0|eve", "not-a-known-token")
        with pytest.raises(ToolAccessRefused) as bad_client:
            await exchanger(http, fake_mcp.url, Clock(), secret="wrong").token_for(
                "auth0|alice", ALICE_TOKEN
            )
        with pytest.raises(ToolServerUnavailable):
            await exchanger(http, f"http://127.0.0.1:{free_port()}", Clock()).token_for(
                "auth0|alice", ALICE_TOKEN
            )
    assert refused.value.error == "invalid_grant" and "not-a-known-token" not in str(refused.value)
    assert bad_client.value.error == "invalid_client" and "wrong" not in str(bad_client.value)
