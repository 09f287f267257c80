"""Single OAuth steps against the MCP server, for tests that tamper with one of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from tests.support.browser import AuthorizationResult, Browser, Decision
from tests.support.devidp import pkce_pair
from tests.support.servers import free_port


@dataclass
class Client:
    client_id: str
    redirect_uri: str
    secret: str | None = None


def register(base_url: str, redirect_uris: list[str] | None = None, **metadata: Any) -> Client:
    uris = redirect_uris or [f"http://127.0.0.1:{free_port()}/callback"]
    body = {
        "redirect_uris": uris,
        "client_name": "attack test",
        "token_endpoint_auth_method": "none",
        **metadata,
    }
    response = httpx.post(base_url + "/register", json=body)
    assert response.status_code == 201, response.text
    info = response.json()
    return Client(info["client_id"], uris[0], info.get("client_secret"))


def authorize_url(base_url: str, client: Client, **params: str | None) -> str:
    query: dict[str, str | None] = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uri,
        "state": "st-123",
        "resource": base_url + "/mcp",
        **params,
    }
    return base_url + "/authorize?" + urlencode({k: v for k, v in query.items() if v is not None})


@dataclass
class CodeGrant:
    client: Client
    code: str
    verifier: str
    result: AuthorizationResult
    browser: Browser


async def obtain_code(
    base_url: str,
    client: Client,
    *,
    username: str = "alice",
    decision: Decision = "allow",
    **params: str,
) -> CodeGrant:
    verifier, challenge = pkce_pair()
    browser = Browser()
    url = authorize_url(
        base_url, client, code_challenge=challenge, code_challenge_method="S256", **params
    )
    result = await browser.authorize(url, client.redirect_uri, username=username, decision=decision)
    return CodeGrant(client, result.code or "", verifier, result, browser)


def token(base_url: str, **form: str) -> httpx.Response:
    return httpx.post(base_url + "/token", data=form)


def redeem(base_url: str, grant: CodeGrant, **overrides: str) -> httpx.Response:
    form = {
        "grant_type": "authorization_code",
        "code": grant.code,
        "redirect_uri": grant.client.redirect_uri,
        "client_id": grant.client.client_id,
        "code_verifier": grant.verifier,
        "resource": base_url + "/mcp",
        **overrides,
    }
    return token(base_url, **form)


def refresh(base_url: str, client: Client, refresh_token: str) -> httpx.Response:
    return token(
        base_url,
        grant_type="refresh_token",
        refresh_token=refresh_token,
        client_id=client.client_id,
    )


def list_tools(base_url: str, access_token: str, *, host: str | None = None) -> httpx.Response:
    headers = {
        "Authorization": f"Bearer {access_token}",
        "Accept": "application/json, text/event-stream",
        "Content-Type": "application/json",
    }
    if host:
        headers["Host"] = host
    return httpx.post(
        base_url + "/mcp", headers=headers, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    )
