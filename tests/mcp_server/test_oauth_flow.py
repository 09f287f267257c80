"""The whole interactive flow with the official MCP Python SDK client, over both transports."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

from tests.mcp_server.clients import Transport, mcp_session, tool_names
from tests.mcp_server.conftest import Stack
from tests.mcp_server.oauth_client import BrowserUser, MemoryTokenStorage, oauth_provider
from tests.mcp_server.oauth_steps import obtain_code, redeem, register

ALL_TOOLS = {"whoami", "list-todos", "create-todo", "complete-todo", "list-billing"}


@pytest.mark.parametrize("transport", ["http", "sse"])
async def test_the_sdk_client_discovers_registers_gets_consent_logs_in_and_calls_tools(
    stack: Stack, transport: Transport
) -> None:
    user = BrowserUser("alice")
    storage = MemoryTokenStorage()
    endpoint = stack.mcp.url + ("/mcp" if transport == "http" else "/sse")
    auth = oauth_provider(endpoint, user, storage)

    async with mcp_session(stack.mcp.url, transport, auth=auth) as session:
        names = await tool_names(session)
        whoami = await session.call_tool("whoami", {})
        created = await session.call_tool("create-todo", {"title": "water the plants"})

    assert names == ALL_TOOLS
    assert json.loads(whoami.content[0].text)["sub"] == "auth0|alice"  # type: ignore[union-attr]
    assert not created.isError
    assert storage.client_info is not None and storage.client_info.client_id
    assert storage.tokens is not None and storage.tokens.refresh_token
    # One authorization: registration, consent and login happened exactly once.
    assert len(user.results) == 1
    assert user.results[0].iss == stack.mcp.url + "/"
    consent_pages = [
        p for p in user.browser.pages if p.url.path == "/consent" and p.request.method == "GET"
    ]
    assert len(consent_pages) == 1 and "pytest" in consent_pages[0].text


@pytest.mark.parametrize("transport", ["http", "sse"])
async def test_the_sdk_client_refreshes_an_expired_token_without_asking_the_user_again(
    stack: Stack, transport: Transport
) -> None:
    user = BrowserUser("alice")
    storage = MemoryTokenStorage()
    endpoint = stack.mcp.url + ("/mcp" if transport == "http" else "/sse")
    async with mcp_session(
        stack.mcp.url, transport, auth=oauth_provider(endpoint, user, storage)
    ) as session:
        await session.list_tools()
    assert storage.tokens is not None
    first = storage.tokens

    # A new client process with the stored tokens, whose access token it believes expired.
    again = oauth_provider(endpoint, user, storage)
    await again._initialize()
    again.context.token_expiry_time = time.time() - 1
    async with mcp_session(stack.mcp.url, transport, auth=again) as session:
        listed = await session.call_tool("list-todos", {})

    assert not listed.isError
    assert len(user.results) == 1, "a refresh must not send the user through the browser again"
    assert storage.tokens.access_token != first.access_token
    assert storage.tokens.refresh_token != first.refresh_token


async def test_bob_sees_no_billing_tool_and_calling_it_gets_the_insufficient_scope_challenge(
    stack: Stack,
) -> None:
    user = BrowserUser("bob")
    storage = MemoryTokenStorage()
    async with mcp_session(
        stack.mcp.url, "http", auth=oauth_provider(stack.mcp.mcp_url, user, storage)
    ) as session:
        names = await tool_names(session)
    assert names == {"whoami", "list-todos"}
    assert storage.tokens is not None

    response = httpx.post(
        stack.mcp.mcp_url,
        headers={
            "Authorization": f"Bearer {storage.tokens.access_token}",
            "Accept": "application/json, text/event-stream",
            "Content-Type": "application/json",
        },
        json={
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {"name": "list-billing", "arguments": {}},
        },
    )

    assert response.status_code == 403
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert 'error="insufficient_scope"' in challenge
    assert 'scope="read:todos read:billing"' in challenge  # held + missing: step-up keeps the rest
    assert f'resource_metadata="{stack.mcp.url}/.well-known/oauth-protected-resource"' in challenge


async def test_the_sdk_client_steps_up_on_insufficient_scope_and_keeps_the_scopes_it_had(
    stack: Stack,
) -> None:
    user = BrowserUser("alice")
    storage = MemoryTokenStorage()
    # Start from a token narrowed to read:todos, as if the client had asked for less.
    client = register(stack.mcp.url, [user.redirect_uri])
    narrowed = redeem(
        stack.mcp.url, await obtain_code(stack.mcp.url, client, scope="read:todos")
    ).json()
    storage.client_info = OAuthClientInformationFull(
        client_id=client.client_id,
        redirect_uris=[user.redirect_uri],  # type: ignore[list-item]
        token_endpoint_auth_method="none",
    )
    storage.tokens = OAuthToken(**narrowed)

    async with mcp_session(
        stack.mcp.url, "http", auth=oauth_provider(stack.mcp.mcp_url, user, storage)
    ) as session:
        before = await tool_names(session)
        billing = await session.call_tool("list-billing", {})
        after = await tool_names(session)

    assert before == {"whoami", "list-todos"}
    assert not billing.isError
    assert len(user.results) == 1, "one step-up authorization through the browser"
    assert "scope=read%3Atodos+read%3Abilling" in user.authorization_urls[0]
    assert after == {"whoami", "list-todos", "list-billing"}
