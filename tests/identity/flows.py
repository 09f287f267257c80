"""Steps of the authorization-code flow against the dev provider, for the tests here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from joserfc import jws

from tests.support.devidp import pkce_pair, submit_login

CALLBACK = "http://127.0.0.1:9911/cb"
"""Registered for every client through ``DEVIDP_EXTRA_CALLBACKS``; never contacted."""
WEB_CALLBACK = "http://127.0.0.1:8787/auth/callback"
WEB_CLIENT = ("baton-web", "dev-insecure-web-secret")
MCP_CLIENT = ("baton-mcp", "dev-insecure-mcp-secret")


@dataclass
class AuthorizeRequest:
    client_id: str = WEB_CLIENT[0]
    redirect_uri: str = WEB_CALLBACK
    scope: str = "openid profile email offline_access read:todos write:todos read:billing"
    audience: str | None = "urn:todos-api"
    state: str = "state-123"
    nonce: str = "nonce-456"
    extra: dict[str, str] = field(default_factory=dict)
    verifier: str = ""
    challenge: str = ""

    def __post_init__(self) -> None:
        if not self.verifier:
            self.verifier, self.challenge = pkce_pair()

    def params(self) -> dict[str, str]:
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scope,
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
        }
        if self.audience is not None:
            params["audience"] = self.audience
        params.update(self.extra)
        return {k: v for k, v in params.items() if v != ""}


def redirect_params(response: httpx.Response) -> dict[str, str]:
    """Query parameters of a redirect's Location, single-valued."""
    assert response.status_code in (302, 303), (response.status_code, response.text)
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return {key: values[0] for key, values in query.items()}


def sign_in_for_code(
    browser: httpx.Client, request: AuthorizeRequest, username: str = "alice"
) -> str:
    """Go through /authorize and the login form; return the code sent to the callback."""
    page = browser.get("/authorize", params=request.params())
    assert page.status_code == 200, page.text
    answer = submit_login(browser, page, username)
    assert answer.headers["location"].startswith(request.redirect_uri + "?")
    params = redirect_params(answer)
    assert params["state"] == request.state
    return params["code"]


def exchange_code(
    browser: httpx.Client,
    request: AuthorizeRequest,
    code: str,
    *,
    verifier: str | None = None,
    client: tuple[str, str] | None = WEB_CLIENT,
) -> httpx.Response:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": request.redirect_uri,
        "code_verifier": request.verifier if verifier is None else verifier,
    }
    if client is None:
        form["client_id"] = request.client_id
        return browser.post("/oauth/token", data=form)
    return browser.post("/oauth/token", data=form, auth=client)


def refresh(
    browser: httpx.Client, refresh_token: str, client: tuple[str, str] = WEB_CLIENT
) -> httpx.Response:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": client[0],
        "client_secret": client[1],
    }
    return browser.post("/oauth/token", data=form)


def json_error(response: httpx.Response) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert isinstance(body.get("error"), str)
    return body


def unverified_claims(token: str) -> dict[str, Any]:
    """The JWT's payload without checking anything: for asserting on claims only."""
    claims: dict[str, Any] = json.loads(jws.extract_compact(token.encode()).payload)
    return claims


def unverified_header(token: str) -> dict[str, Any]:
    return dict(jws.extract_compact(token.encode()).headers())
