"""``/callback``: the upstream's answer, accepted once, in the right browser, never a 500."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from mcp_server.app import Overrides
from mcp_server.upstream import UpstreamClient, UpstreamTokens, UpstreamUnavailable
from tests.mcp_server.conftest import Stack, running_stack
from tests.mcp_server.oauth_steps import (
    Client,
    authorize_url,
    list_tools,
    obtain_code,
    redeem,
    register,
)
from tests.support.browser import Browser, parse_forms
from tests.support.devidp import pkce_pair


async def _at_upstream(stack: Stack) -> tuple[Browser, Client, httpx.URL]:
    """Consent given; returns the browser standing at the upstream's /authorize URL."""
    client = register(stack.mcp.url)
    browser = Browser()
    start = await browser.request(
        "GET", authorize_url(stack.mcp.url, client, code_challenge=pkce_pair()[1])
    )
    page = await browser.request("GET", start.headers["location"])
    form = parse_forms(page.text)[0]
    allowed = await browser.request(
        "POST", stack.mcp.url + "/consent", data={**form.fields, "decision": "allow"}
    )
    assert allowed.status_code == 303
    return browser, client, httpx.URL(allowed.headers["location"])


async def test_allow_sends_the_browser_upstream_with_pkce_state_nonce_and_audience(
    stack: Stack,
) -> None:
    _, _, upstream = await _at_upstream(stack)

    assert str(upstream).startswith(stack.idp.url + "/authorize?")
    params = upstream.params
    assert params["client_id"] == "baton-mcp"
    assert params["redirect_uri"] == stack.mcp.url + "/callback"
    assert params["code_challenge_method"] == "S256" and params["code_challenge"]
    assert params["state"] and params["nonce"]
    assert params["audience"] == "urn:todos-api"
    assert set(params["scope"].split()) >= {"openid", "offline_access", "read:todos"}


@pytest.mark.parametrize(
    ("upstream_error", "client_error"),
    [("login_required", "access_denied"), ("access_denied", "access_denied")],
)
async def test_an_upstream_error_goes_back_to_the_client_as_an_oauth_error(
    stack: Stack, upstream_error: str, client_error: str
) -> None:
    browser, client, upstream = await _at_upstream(stack)

    response = await browser.request(
        "GET",
        stack.mcp.url
        + "/callback?"
        + str(httpx.QueryParams(error=upstream_error, state=upstream.params["state"])),
    )

    assert response.status_code == 302
    location = httpx.URL(response.headers["location"])
    assert str(location).startswith(client.redirect_uri)
    assert location.params["error"] == client_error
    assert location.params["state"] == "st-123"
    assert location.params["iss"] == stack.mcp.url + "/"


async def test_a_callback_in_another_browser_is_refused_and_leaves_the_real_one_able_to_finish(
    stack: Stack,
) -> None:
    browser, _, upstream = await _at_upstream(stack)
    answer = (
        stack.mcp.url
        + "/callback?"
        + str(httpx.QueryParams(code="stolen", state=upstream.params["state"]))
    )

    foreign = await Browser().request("GET", answer)
    own = await browser.request(
        "GET",
        stack.mcp.url
        + "/callback?"
        + str(httpx.QueryParams(error="access_denied", state=upstream.params["state"])),
    )

    assert foreign.status_code == 400
    assert (
        own.status_code == 302
        and httpx.URL(own.headers["location"]).params["error"] == "access_denied"
    )


async def test_a_bad_upstream_code_is_an_error_for_the_client_not_a_500(stack: Stack) -> None:
    browser, _, upstream = await _at_upstream(stack)

    response = await browser.request(
        "GET",
        stack.mcp.url
        + "/callback?"
        + str(httpx.QueryParams(code="forged", state=upstream.params["state"])),
    )

    assert response.status_code == 302
    assert httpx.URL(response.headers["location"]).params["error"] == "access_denied"


class DownUpstream:
    """The identity provider is unreachable."""

    def __init__(self, inner: UpstreamClient) -> None:
        self.inner = inner

    async def authorization_url(self, **kwargs: Any) -> str:
        raise UpstreamUnavailable("temporarily_unavailable", "simulated outage")

    async def exchange_code(self, **kwargs: Any) -> UpstreamTokens:
        raise UpstreamUnavailable("temporarily_unavailable", "simulated outage")

    async def validate_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        raise UpstreamUnavailable("temporarily_unavailable", "simulated outage")

    async def refresh(self, refresh_token: str) -> UpstreamTokens:
        raise UpstreamUnavailable("temporarily_unavailable", "simulated outage")


async def test_allow_while_the_identity_provider_is_down_shows_a_503_page(tmp_path: Path) -> None:
    with running_stack(tmp_path, overrides=Overrides(wrap_upstream=DownUpstream)) as stack:
        client = register(stack.mcp.url)
        browser = Browser()
        start = await browser.request(
            "GET", authorize_url(stack.mcp.url, client, code_challenge=pkce_pair()[1])
        )
        page = await browser.request("GET", start.headers["location"])
        form = parse_forms(page.text)[0]
        response = await browser.request(
            "POST", stack.mcp.url + "/consent", data={**form.fields, "decision": "allow"}
        )

    assert response.status_code == 503
    assert "location" not in response.headers


class WrongNonce:
    """Checks the real ID token against a nonce this server never sent."""

    def __init__(self, inner: UpstreamClient) -> None:
        self.inner = inner

    async def authorization_url(self, **kwargs: Any) -> str:
        return await self.inner.authorization_url(**kwargs)

    async def exchange_code(self, **kwargs: Any) -> UpstreamTokens:
        return await self.inner.exchange_code(**kwargs)

    async def validate_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        return await self.inner.validate_id_token(id_token, nonce="not-the-nonce-we-sent")

    async def refresh(self, refresh_token: str) -> UpstreamTokens:
        return await self.inner.refresh(refresh_token)


async def test_an_id_token_with_the_wrong_nonce_is_refused(tmp_path: Path) -> None:
    with running_stack(tmp_path, overrides=Overrides(wrap_upstream=WrongNonce)) as stack:
        client = register(stack.mcp.url)
        grant = await obtain_code(stack.mcp.url, client)
        with sqlite3.connect(stack.mcp.grants_file) as db:
            grants = db.execute("SELECT COUNT(*) FROM grants").fetchone()[0]

    assert grant.result.error == "access_denied"
    assert grant.result.code is None
    assert grants == 0


async def test_granted_scopes_are_what_was_asked_for_intersected_with_what_the_user_holds(
    stack: Stack,
) -> None:
    client = register(stack.mcp.url)

    alice = redeem(
        stack.mcp.url, await obtain_code(stack.mcp.url, client, scope="read:todos")
    ).json()
    bob = redeem(
        stack.mcp.url,
        await obtain_code(stack.mcp.url, client, username="bob", scope="read:todos read:billing"),
    ).json()
    everything = redeem(stack.mcp.url, await obtain_code(stack.mcp.url, client)).json()

    assert alice["scope"] == "read:todos"
    assert bob["scope"] == "read:todos"
    assert set(everything["scope"].split()) == {"read:todos", "write:todos", "read:billing"}
    tools = list_tools(stack.mcp.url, alice["access_token"]).json()["result"]["tools"]
    assert {t["name"] for t in tools} == {"whoami", "list-todos"}
