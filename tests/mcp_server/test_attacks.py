"""The attacks MCP authorization advisories name, each refused on its own."""

from __future__ import annotations

import hashlib
import sqlite3
import time

import httpx

from tests.mcp_server.conftest import Stack
from tests.mcp_server.oauth_steps import (
    authorize_url,
    list_tools,
    obtain_code,
    redeem,
    refresh,
    register,
)
from tests.support.browser import Browser, parse_forms
from tests.support.devidp import password_token, pkce_pair
from tests.support.mcp import exchange_token


def _challenge() -> str:
    return pkce_pair()[1]


# --- redirect URIs ---------------------------------------------------------------


def test_an_unregistered_redirect_uri_at_authorize_gets_an_error_page_not_a_redirect(
    stack: Stack,
) -> None:
    client = register(stack.mcp.url)
    url = authorize_url(
        stack.mcp.url,
        client,
        redirect_uri="https://attacker.example/steal",
        code_challenge=_challenge(),
    )

    response = httpx.get(url)

    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert "attacker.example" not in response.headers.get("location", "")


def test_an_altered_redirect_uri_path_at_authorize_is_refused_without_redirecting(
    stack: Stack,
) -> None:
    client = register(stack.mcp.url)
    altered = client.redirect_uri.replace("/callback", "/callback/../evil")

    response = httpx.get(
        authorize_url(stack.mcp.url, client, redirect_uri=altered, code_challenge=_challenge())
    )

    assert response.status_code == 400
    assert "location" not in response.headers


def test_loopback_redirect_uris_match_on_any_port_for_127_0_0_1_and_localhost(stack: Stack) -> None:
    client = register(stack.mcp.url, ["http://127.0.0.1:1234/cb", "http://localhost:1234/cb"])

    for other in ("http://127.0.0.1:40001/cb", "http://localhost:40002/cb"):
        response = httpx.get(
            authorize_url(stack.mcp.url, client, redirect_uri=other, code_challenge=_challenge())
        )
        assert response.status_code == 302
        assert response.headers["location"].startswith(stack.mcp.url + "/consent?")


def test_registration_refuses_plain_http_redirect_uris_that_are_not_loopback(stack: Stack) -> None:
    response = httpx.post(
        stack.mcp.url + "/register", json={"redirect_uris": ["http://evil.example/cb"]}
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_redirect_uri"


async def test_a_different_redirect_uri_at_token_is_refused(stack: Stack) -> None:
    client = register(stack.mcp.url)
    grant = await obtain_code(stack.mcp.url, client)

    response = redeem(stack.mcp.url, grant, redirect_uri="http://127.0.0.1:1/other")

    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_request", "invalid_grant"}
    assert redeem(stack.mcp.url, grant).status_code == 200, (
        "the failed attempt must not have used the code"
    )


# --- PKCE ------------------------------------------------------------------------


def test_an_authorization_request_without_pkce_is_sent_back_with_invalid_request(
    stack: Stack,
) -> None:
    client = register(stack.mcp.url)

    response = httpx.get(authorize_url(stack.mcp.url, client))

    assert response.status_code == 302
    location = httpx.URL(response.headers["location"])
    assert str(location).startswith(client.redirect_uri)
    assert location.params["error"] == "invalid_request"
    assert location.params["state"] == "st-123"
    assert location.params["iss"] == stack.mcp.url + "/"


def test_plain_pkce_is_refused(stack: Stack) -> None:
    client = register(stack.mcp.url)
    verifier = "v" * 50

    response = httpx.get(
        authorize_url(stack.mcp.url, client, code_challenge=verifier, code_challenge_method="plain")
    )

    assert response.status_code == 302
    assert httpx.URL(response.headers["location"]).params["error"] == "invalid_request"


async def test_a_wrong_code_verifier_is_refused(stack: Stack) -> None:
    client = register(stack.mcp.url)
    grant = await obtain_code(stack.mcp.url, client)

    response = redeem(stack.mcp.url, grant, code_verifier=pkce_pair()[0])

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_a_missing_code_verifier_is_refused(stack: Stack) -> None:
    client = register(stack.mcp.url)
    grant = await obtain_code(stack.mcp.url, client)
    form = {
        "grant_type": "authorization_code",
        "code": grant.code,
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uri,
    }

    response = httpx.post(stack.mcp.url + "/token", data=form)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


# --- replay ----------------------------------------------------------------------


async def test_a_replayed_code_is_refused_and_revokes_the_tokens_it_produced(stack: Stack) -> None:
    client = register(stack.mcp.url)
    grant = await obtain_code(stack.mcp.url, client)
    first = redeem(stack.mcp.url, grant)
    assert first.status_code == 200
    access = first.json()["access_token"]
    assert list_tools(stack.mcp.url, access).status_code == 200

    replay = redeem(stack.mcp.url, grant)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert list_tools(stack.mcp.url, access).status_code == 401


async def test_a_refresh_token_replayed_after_rotation_is_refused_and_ends_the_token_family(
    stack: Stack,
) -> None:
    client = register(stack.mcp.url)
    grant = await obtain_code(stack.mcp.url, client)
    tokens = redeem(stack.mcp.url, grant).json()
    rotated = refresh(stack.mcp.url, client, tokens["refresh_token"])
    assert rotated.status_code == 200
    new = rotated.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    assert list_tools(stack.mcp.url, new["access_token"]).status_code == 200

    replay = refresh(stack.mcp.url, client, tokens["refresh_token"])

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    # Reuse means theft: the legitimate holder's newer tokens die too.
    assert list_tools(stack.mcp.url, new["access_token"]).status_code == 401
    assert refresh(stack.mcp.url, client, new["refresh_token"]).json()["error"] == "invalid_grant"


async def test_a_replayed_upstream_state_at_callback_is_refused(stack: Stack) -> None:
    client = register(stack.mcp.url)
    grant = await obtain_code(stack.mcp.url, client)
    callback = next(p for p in grant.browser.pages if p.url.path == "/callback")

    replay = await grant.browser.request("GET", callback.url)

    assert replay.status_code == 400
    assert "location" not in replay.headers


# --- resource binding ------------------------------------------------------------


def test_a_token_minted_for_another_resource_is_refused_at_mcp(stack: Stack) -> None:
    subject = password_token(stack.idp.url, "alice")["access_token"]
    genuine = exchange_token(stack.mcp.url, subject)
    forged = "bat_minted-for-another-resource"
    with sqlite3.connect(stack.mcp.grants_file) as db:
        row = db.execute(
            "SELECT grant_id, client_id, scopes FROM tokens WHERE token_hash = ?",
            (hashlib.sha256(genuine.encode()).hexdigest(),),
        ).fetchone()
        db.execute(
            "INSERT INTO tokens (token_hash, kind, grant_id, client_id, scopes, resource, expires_at, issued_at)"
            " VALUES (?, 'access', ?, ?, ?, 'https://other-server.example/mcp', ?, ?)",
            (hashlib.sha256(forged.encode()).hexdigest(), *row, time.time() + 600, time.time()),
        )

    assert list_tools(stack.mcp.url, genuine).status_code == 200
    response = list_tools(stack.mcp.url, forged)

    assert response.status_code == 401
    assert "resource_metadata=" in response.headers["www-authenticate"]


def test_authorize_refuses_a_resource_that_is_not_this_server(stack: Stack) -> None:
    client = register(stack.mcp.url)

    response = httpx.get(
        authorize_url(
            stack.mcp.url,
            client,
            resource="https://other-server.example/mcp",
            code_challenge=_challenge(),
        )
    )

    assert response.status_code == 302
    assert httpx.URL(response.headers["location"]).params["error"] == "invalid_request"


async def test_token_refuses_a_resource_that_is_not_this_server(stack: Stack) -> None:
    client = register(stack.mcp.url)
    grant = await obtain_code(stack.mcp.url, client)

    response = redeem(stack.mcp.url, grant, resource="https://other-server.example/mcp")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_target"


# --- consent CSRF ----------------------------------------------------------------


async def _consent_page(stack: Stack) -> tuple[Browser, httpx.Response]:
    client = register(stack.mcp.url)
    browser = Browser()
    first = await browser.request(
        "GET", authorize_url(stack.mcp.url, client, code_challenge=_challenge())
    )
    page = await browser.request("GET", first.headers["location"])
    assert page.status_code == 200
    return browser, page


async def test_the_consent_page_names_the_client_and_forbids_framing(stack: Stack) -> None:
    _, page = await _consent_page(stack)

    assert "attack test" in page.text
    assert "127.0.0.1" in page.text  # the redirect URI is shown
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "<script" not in page.text


async def test_a_consent_post_without_the_csrf_token_is_refused(stack: Stack) -> None:
    browser, page = await _consent_page(stack)
    fields = parse_forms(page.text)[0].fields
    del fields["csrf_token"]

    response = await browser.request(
        "POST", stack.mcp.url + "/consent", data={**fields, "decision": "allow"}
    )

    assert response.status_code == 403
    assert "location" not in response.headers


async def test_a_consent_post_with_a_wrong_csrf_token_is_refused(stack: Stack) -> None:
    browser, page = await _consent_page(stack)
    fields = parse_forms(page.text)[0].fields

    response = await browser.request(
        "POST",
        stack.mcp.url + "/consent",
        data={**fields, "csrf_token": "forged", "decision": "allow"},
    )

    assert response.status_code == 403
    assert "location" not in response.headers


async def test_a_consent_post_from_another_browser_is_refused(stack: Stack) -> None:
    _, page = await _consent_page(stack)
    fields = parse_forms(page.text)[0].fields

    response = await Browser().request(
        "POST", stack.mcp.url + "/consent", data={**fields, "decision": "allow"}
    )

    assert response.status_code == 403


async def test_deny_sends_the_client_access_denied_with_state_and_iss(stack: Stack) -> None:
    client = register(stack.mcp.url)

    grant = await obtain_code(stack.mcp.url, client, decision="deny")

    assert grant.result.error == "access_denied"
    assert grant.result.state == "st-123"
    assert grant.result.iss == stack.mcp.url + "/"
    assert grant.result.code is None


# --- DNS rebinding ---------------------------------------------------------------


def test_a_valid_token_with_a_foreign_host_header_is_refused(stack: Stack) -> None:
    token = exchange_token(stack.mcp.url, password_token(stack.idp.url, "alice")["access_token"])

    response = list_tools(stack.mcp.url, token, host="attacker.example")

    assert 400 <= response.status_code < 500
    assert list_tools(stack.mcp.url, token).status_code == 200


# --- storage ---------------------------------------------------------------------


def _stored_bytes(stack: Stack) -> bytes:
    files = sorted(stack.mcp.grants_file.parent.glob(stack.mcp.grants_file.name + "*"))
    return b"".join(f.read_bytes() for f in files)


async def test_upstream_tokens_are_not_stored_in_plaintext(stack: Stack) -> None:
    subject = password_token(stack.idp.url, "alice")["access_token"]
    exchange_token(stack.mcp.url, subject)
    client = register(stack.mcp.url)
    grant = await obtain_code(stack.mcp.url, client)
    assert redeem(stack.mcp.url, grant).status_code == 200

    stored = _stored_bytes(stack)

    assert subject.encode() not in stored
    assert subject.split(".")[1].encode() not in stored  # not even the JWT's claims part
    with sqlite3.connect(stack.mcp.grants_file) as db:
        rows = db.execute("SELECT upstream_access_enc, upstream_refresh_enc FROM grants").fetchall()
    assert len(rows) == 2
    assert all(not access.startswith("ey") for access, _ in rows)
    assert any(refresh_enc for _, refresh_enc in rows), (
        "the interactive grant keeps its refresh token"
    )


async def test_baton_tokens_are_stored_only_as_sha256_hashes(stack: Stack) -> None:
    client = register(stack.mcp.url)
    grant = await obtain_code(stack.mcp.url, client)
    tokens = redeem(stack.mcp.url, grant).json()

    stored = _stored_bytes(stack)

    for value in (tokens["access_token"], tokens["refresh_token"], grant.code):
        assert value.encode() not in stored
        assert hashlib.sha256(value.encode()).hexdigest().encode() in stored
    assert client.client_id.encode() in stored


def test_a_valid_token_from_a_foreign_browser_origin_is_refused(stack: Stack) -> None:
    token = exchange_token(stack.mcp.url, password_token(stack.idp.url, "alice")["access_token"])
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/json, text/event-stream",
        "Origin": "https://attacker.example",
    }

    response = httpx.post(
        stack.mcp.mcp_url, headers=headers, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    )

    assert response.status_code == 403
