"""Discovery, JWKS, userinfo, logout and health of the dev provider."""

from __future__ import annotations

import httpx
import pytest

from tests.identity.flows import (
    AuthorizeRequest,
    exchange_code,
    json_error,
    redirect_params,
    sign_in_for_code,
)
from tests.support.devidp import RunningDevIdP, password_token, running_devidp


def test_discovery_names_the_issuer_auth0_style_and_every_endpoint(
    devidp: RunningDevIdP,
) -> None:
    doc = httpx.get(devidp.url + "/.well-known/openid-configuration").json()
    assert doc["issuer"] == devidp.url + "/"
    assert doc["authorization_endpoint"] == devidp.url + "/authorize"
    assert doc["token_endpoint"] == devidp.url + "/oauth/token"
    assert doc["userinfo_endpoint"] == devidp.url + "/userinfo"
    assert doc["jwks_uri"] == devidp.url + "/.well-known/jwks.json"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "end_session_endpoint" not in doc  # as Auth0: clients fall back to /v2/logout


def test_the_jwks_holds_only_the_public_key_with_a_kid(devidp: RunningDevIdP) -> None:
    keys = httpx.get(devidp.jwks_url).json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and keys[0]["kid"]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(keys[0])


def test_healthz_answers_ok(devidp: RunningDevIdP) -> None:
    assert httpx.get(devidp.url + "/healthz").json() == {"status": "ok"}


def test_userinfo_returns_the_profile_for_an_openid_access_token(devidp: RunningDevIdP) -> None:
    token = password_token(devidp.url, "alice")["access_token"]
    response = httpx.get(devidp.url + "/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json() == {
        "sub": "auth0|alice",
        "name": "Alice Example",
        "nickname": "alice",
        "preferred_username": "alice",
        "email": "alice@example.com",
        "email_verified": True,
    }


def test_userinfo_refuses_a_token_issued_without_openid(devidp: RunningDevIdP) -> None:
    token = password_token(devidp.url, "alice", scope="read:todos")["access_token"]
    response = httpx.get(devidp.url + "/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


@pytest.mark.parametrize("header", ["", "Bearer", "Basic abc", "Bearer not.a.jwt", "Bearer ...."])
def test_userinfo_refuses_missing_or_bad_credentials_with_401(
    devidp: RunningDevIdP, header: str
) -> None:
    headers = {"Authorization": header} if header else {}
    response = httpx.get(devidp.url + "/userinfo", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert json_error(response)["error"] == "invalid_token"


def test_logout_to_an_allowed_url_ends_the_sso_session(browser: httpx.Client) -> None:
    sign_in_for_code(browser, AuthorizeRequest())
    answer = browser.get("/v2/logout", params={"returnTo": "http://localhost:8787/"})
    assert answer.status_code == 302
    assert answer.headers["location"] == "http://localhost:8787/"
    silent = AuthorizeRequest(extra={"prompt": "none"})
    assert redirect_params(browser.get("/authorize", params=silent.params()))["error"] == (
        "login_required"
    )


@pytest.mark.parametrize(
    "return_to",
    [
        "https://evil.example/",
        "http://127.0.0.1:8788/",  # another service's origin
        "//evil.example/",
        "javascript:alert(1)",
        "http://127.0.0.1:8787@evil.example/",
    ],
)
def test_logout_refuses_a_return_to_that_is_not_allowed(
    browser: httpx.Client, return_to: str
) -> None:
    sign_in_for_code(browser, AuthorizeRequest())
    answer = browser.get("/v2/logout", params={"returnTo": return_to})
    assert answer.status_code == 400
    assert "location" not in answer.headers
    assert json_error(answer)["error"] == "invalid_request"


def test_logout_urls_from_settings_are_allowed_exactly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with (
        running_devidp(tmp_path, DEVIDP_LOGOUT_URLS="http://127.0.0.1:7000/bye") as idp,
        httpx.Client(base_url=idp.url) as http,
    ):
        allowed = http.get("/v2/logout", params={"returnTo": "http://127.0.0.1:7000/bye?x=1"})
        other_path = http.get("/v2/logout", params={"returnTo": "http://127.0.0.1:7000/else"})
    assert allowed.status_code == 302
    assert other_path.status_code == 400


def test_logout_without_return_to_shows_a_signed_out_page(browser: httpx.Client) -> None:
    answer = browser.get("/v2/logout")
    assert answer.status_code == 200
    assert "Signed out" in answer.text


def test_tokens_and_refresh_tokens_survive_a_restart_with_the_same_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with running_devidp(tmp_path) as first:
        kid = httpx.get(first.jwks_url).json()["keys"][0]["kid"]
        port = first.server.port
        with httpx.Client(base_url=first.url) as browser:
            request = AuthorizeRequest()
            tokens = exchange_code(browser, request, sign_in_for_code(browser, request)).json()
    key_file = tmp_path / "devidp" / "signing-key.json"
    assert key_file.stat().st_mode & 0o777 == 0o600

    with running_devidp(tmp_path, port=port) as second, httpx.Client(base_url=second.url) as http:
        assert httpx.get(second.jwks_url).json()["keys"][0]["kid"] == kid
        refreshed = http.post(
            "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            auth=("baton-web", "dev-insecure-web-secret"),
        )
    assert refreshed.status_code == 200, refreshed.text
