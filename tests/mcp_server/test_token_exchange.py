"""RFC 8693 token exchange for the graph's confidential client."""

from __future__ import annotations

import json

import pytest

from tests.mcp_server.clients import Transport, mcp_session, tool_names
from tests.mcp_server.conftest import Stack
from tests.support.devidp import password_token
from tests.support.mcp import ACCESS_TOKEN_TYPE, exchange_request, exchange_token

ALL_TOOLS = {"whoami", "list-todos", "create-todo", "complete-todo", "list-billing"}


@pytest.mark.parametrize("transport", ["http", "sse"])
async def test_an_exchanged_token_for_alice_lists_and_calls_her_tools(
    stack: Stack, transport: Transport
) -> None:
    subject = password_token(stack.idp.url, "alice")["access_token"]
    token = exchange_token(stack.mcp.url, subject)

    async with mcp_session(stack.mcp.url, transport, token=token) as session:
        assert await tool_names(session) == ALL_TOOLS
        whoami = await session.call_tool("whoami", {})
        created = await session.call_tool("create-todo", {"title": "buy milk"})
        listed = await session.call_tool("list-todos", {})

    assert not whoami.isError
    assert json.loads(whoami.content[0].text)["sub"] == "auth0|alice"  # type: ignore[union-attr]
    assert not created.isError
    assert "buy milk" in listed.content[0].text  # type: ignore[union-attr]


def test_the_exchange_answer_is_an_uncacheable_bearer_access_token_without_refresh(
    stack: Stack,
) -> None:
    subject = password_token(stack.idp.url, "alice")["access_token"]

    response = exchange_request(stack.mcp.url, subject, basic=True)

    assert response.status_code == 200
    body = response.json()
    assert body["issued_token_type"] == ACCESS_TOKEN_TYPE
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] > 0
    assert set(body["scope"].split()) == {"read:todos", "write:todos", "read:billing"}
    assert "refresh_token" not in body
    assert response.headers["cache-control"] == "no-store"
