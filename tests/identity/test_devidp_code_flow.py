"""The dev provider's authorization-code flow with PKCE, driven over real HTTP."""

from __future__ import annotations

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet

from identity.verify import TokenVerifier
from tests.identity.flows import (
    AuthorizeRequest,
    exchange_code,
    json_error,
    redirect_params,
    sign_in_for_code,
    unverified_claims,
    unverified_header,
)
from tests.support.devidp import RunningDevIdP, submit_login


async def test_signing_in_through_the_form_yields_tokens_that_the_shared_verifier_accepts(
    devidp: RunningDevIdP, browser: httpx.Client
) -> None:
    request = AuthorizeRequest()
    code = sign_in_for_code(browser, request, "alice")
    response = exchange_code(browser, request, code)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"

    async with httpx.AsyncClient() as http:
        verified = await TokenVerifier(devidp.issuer, "urn:todos-api", http).verify(
            tokens["access_token"]
        )
    assert verified.subject == "auth0|alice"
    assert verified.authorized_party == "baton-web"
    assert verified.audiences == ("urn:todos-api", devidp.issuer + "userinfo")
    assert {"read:todos", "write:todos", "read:billing"} <= verified.scopes
    assert verified.claims["permissions"] == ["read:todos", "write:todos", "read:billing"]

    keys = KeySet.import_key_set(httpx.get(devidp.jwks_url).json())
    access_header = unverified_header(tokens["access_token"])
    assert access_header["kid"] == keys.keys[0].kid
    assert access_header["alg"] == "RS256"
    id_token = jwt.decode(tokens["id_token"], keys, algorithms=["RS256"])
    assert id_token.header["kid"] == keys.keys[0].kid
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": devidp.issuer},
        aud={"essential": True, "value": "baton-web"},
        nonce={"essential": True, "value": request.nonce},
    ).validate(id_token.claims)
    assert id_token.claims["sub"] == "auth0|alice"
    assert id_token.claims["name"] == "Alice Example"
    assert id_token.claims["email"] == "alice@example.com"
    assert id_token.claims["nickname"] == "alice"


def test_a_user_gets_only_the_permissions_they_hold(browser: httpx.Client) -> None:
    request = AuthorizeRequest()
    tokens = exchange_code(browser, request, sign_in_for_code(browser, request, "bob")).json()
    payload = unverified_claims(tokens["access_token"])
    assert payload["permissions"] == ["read:todos"]
    assert payload["scope"].split() == [
        "openid",
        "profile",
        "email",
        "offline_access",
        "read:todos",
    ]


def test_a_wrong_password_shows_the_form_again_with_an_error(browser: httpx.Client) -> None:
    page = browser.get("/authorize", params=AuthorizeRequest().params())
    answer = submit_login(browser, page, "alice", "not-alices-password")
    assert answer.status_code == 401
    assert "Wrong username or password" in answer.text
    assert 'name="username"' in answer.text
    assert "location" not in answer.headers


def test_the_login_form_refuses_a_post_without_its_csrf_token(browser: httpx.Client) -> None:
    page = browser.get("/authorize", params=AuthorizeRequest().params())
    assert page.status_code == 200
    forged = browser.post(
        "/login",
        data={"authorize": "x=y", "username": "alice", "password": "alice", "csrf": "forged"},
    )
    assert forged.status_code == 403
    assert json_error(forged)["error"] == "invalid_request"
    assert "devidp_session" not in browser.cookies


def test_the_sso_session_cookie_is_httponly_and_samesite_lax(browser: httpx.Client) -> None:
    request = AuthorizeRequest()
    page = browser.get("/authorize", params=request.params())
    answer = submit_login(browser, page, "alice")
    cookie = next(
        header
        for header in answer.headers.get_list("set-cookie")
        if header.startswith("devidp_session=")
    )
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()


def test_prompt_none_with_an_sso_session_issues_a_code_without_the_form(
    browser: httpx.Client,
) -> None:
    sign_in_for_code(browser, AuthorizeRequest())
    silent = AuthorizeRequest(extra={"prompt": "none"}, state="silent")
    answer = browser.get("/authorize", params=silent.params())
    params = redirect_params(answer)
    assert params["state"] == "silent"
    assert exchange_code(browser, silent, params["code"]).status_code == 200


def test_prompt_none_without_a_session_redirects_with_login_required(
    browser: httpx.Client,
) -> None:
    request = AuthorizeRequest(extra={"prompt": "none"})
    params = redirect_params(browser.get("/authorize", params=request.params()))
    assert params["error"] == "login_required"
    assert params["state"] == request.state
    assert "code" not in params


def test_prompt_login_shows_the_form_despite_an_sso_session(browser: httpx.Client) -> None:
    sign_in_for_code(browser, AuthorizeRequest())
    request = AuthorizeRequest(extra={"prompt": "login"})
    page = browser.get("/authorize", params=request.params())
    assert page.status_code == 200
    assert 'name="password"' in page.text
    assert submit_login(browser, page, "bob").status_code == 302


def test_max_age_asks_for_the_password_again_when_the_sign_in_is_older(
    devidp: RunningDevIdP, browser: httpx.Client
) -> None:
    sign_in_for_code(browser, AuthorizeRequest())
    recent = AuthorizeRequest(extra={"max_age": "600"})
    assert browser.get("/authorize", params=recent.params()).status_code == 302
    real_clock = devidp.provider.storage.clock
    devidp.provider.storage.clock = lambda: real_clock() + 601
    page = browser.get("/authorize", params=recent.params())
    assert page.status_code == 200
    assert 'name="password"' in page.text


def test_authorize_also_accepts_its_parameters_as_a_posted_form(browser: httpx.Client) -> None:
    sign_in_for_code(browser, AuthorizeRequest())
    request = AuthorizeRequest(state="posted")
    answer = browser.post("/authorize", data=request.params())
    assert redirect_params(answer)["state"] == "posted"


def test_signing_in_again_replaces_the_previous_sso_session(
    devidp: RunningDevIdP, browser: httpx.Client
) -> None:
    sign_in_for_code(browser, AuthorizeRequest())
    first = browser.cookies["devidp_session"]
    page = browser.get("/authorize", params=AuthorizeRequest(extra={"prompt": "login"}).params())
    submit_login(browser, page, "bob")
    assert browser.cookies["devidp_session"] != first
    assert devidp.provider.storage.get_session(first) is None
