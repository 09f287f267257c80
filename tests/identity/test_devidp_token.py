"""The dev provider's token endpoint: code exchange rules, refresh rotation, password grant."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.identity.flows import (
    CALLBACK,
    MCP_CLIENT,
    WEB_CLIENT,
    AuthorizeRequest,
    exchange_code,
    json_error,
    refresh,
    sign_in_for_code,
    unverified_claims,
)
from tests.support.devidp import RunningDevIdP, password_token, running_devidp


def test_a_wrong_code_verifier_is_refused_and_does_not_burn_the_code(
    browser: httpx.Client,
) -> None:
    request = AuthorizeRequest()
    code = sign_in_for_code(browser, request)
    wrong = exchange_code(browser, request, code, verifier="x" * 50)
    assert json_error(wrong)["error"] == "invalid_grant"
    assert exchange_code(browser, request, code).status_code == 200


def test_a_code_cannot_be_exchanged_without_its_verifier(browser: httpx.Client) -> None:
    request = AuthorizeRequest()
    code = sign_in_for_code(browser, request)
    response = exchange_code(browser, request, code, verifier="")
    assert json_error(response)["error"] == "invalid_request"


def test_a_code_used_twice_is_refused_and_revokes_the_tokens_it_bought(
    browser: httpx.Client,
) -> None:
    request = AuthorizeRequest()
    code = sign_in_for_code(browser, request)
    first = exchange_code(browser, request, code)
    assert first.status_code == 200
    second = exchange_code(browser, request, code)
    assert json_error(second)["error"] == "invalid_grant"
    assert json_error(refresh(browser, first.json()["refresh_token"]))["error"] == "invalid_grant"


def test_a_code_is_bound_to_its_client_and_redirect_uri(browser: httpx.Client) -> None:
    request = AuthorizeRequest(redirect_uri=CALLBACK)
    code = sign_in_for_code(browser, request)
    other_client = exchange_code(browser, request, code, client=MCP_CLIENT)
    assert json_error(other_client)["error"] == "invalid_grant"
    moved = AuthorizeRequest(redirect_uri=CALLBACK + "/other", verifier=request.verifier)
    assert json_error(exchange_code(browser, moved, code))["error"] == "invalid_grant"
    assert exchange_code(browser, request, code).status_code == 200


def test_a_code_older_than_a_minute_is_refused(
    devidp: RunningDevIdP, browser: httpx.Client
) -> None:
    request = AuthorizeRequest()
    code = sign_in_for_code(browser, request)
    devidp.provider.storage.clock = lambda: time.time() + 61
    assert json_error(exchange_code(browser, request, code))["error"] == "invalid_grant"


@pytest.mark.parametrize("how", ["basic", "post"])
def test_confidential_clients_authenticate_with_basic_or_post(
    browser: httpx.Client, how: str
) -> None:
    request = AuthorizeRequest()
    code = sign_in_for_code(browser, request)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": request.redirect_uri,
        "code_verifier": request.verifier,
    }
    if how == "basic":
        response = browser.post("/oauth/token", data=form, auth=WEB_CLIENT)
    else:
        form |= {"client_id": WEB_CLIENT[0], "client_secret": WEB_CLIENT[1]}
        response = browser.post("/oauth/token", data=form)
    assert response.status_code == 200, response.text


def test_a_wrong_client_secret_is_refused_with_401(browser: httpx.Client) -> None:
    request = AuthorizeRequest()
    code = sign_in_for_code(browser, request)
    response = exchange_code(browser, request, code, client=("baton-web", "wrong"))
    assert response.status_code == 401
    assert json_error(response)["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")


def test_a_confidential_client_cannot_skip_authentication(browser: httpx.Client) -> None:
    request = AuthorizeRequest()
    code = sign_in_for_code(browser, request)
    response = exchange_code(browser, request, code, client=None)
    assert json_error(response)["error"] == "invalid_client"


def test_the_public_cli_client_exchanges_a_code_with_pkce_alone(browser: httpx.Client) -> None:
    request = AuthorizeRequest(client_id="baton-cli", redirect_uri=CALLBACK)
    code = sign_in_for_code(browser, request)
    assert exchange_code(browser, request, code, client=None).status_code == 200


def test_refresh_rotates_and_the_old_refresh_token_is_refused(browser: httpx.Client) -> None:
    request = AuthorizeRequest()
    tokens = exchange_code(browser, request, sign_in_for_code(browser, request)).json()
    rotated = refresh(browser, tokens["refresh_token"])
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    assert unverified_claims(new["access_token"])["sub"] == "auth0|alice"
    assert "id_token" in new
    assert json_error(refresh(browser, tokens["refresh_token"]))["error"] == "invalid_grant"


def test_replaying_a_rotated_refresh_token_later_revokes_its_successor(
    devidp: RunningDevIdP, browser: httpx.Client
) -> None:
    request = AuthorizeRequest()
    tokens = exchange_code(browser, request, sign_in_for_code(browser, request)).json()
    successor = refresh(browser, tokens["refresh_token"]).json()["refresh_token"]
    devidp.provider.storage.clock = lambda: time.time() + 60  # past the reuse grace
    assert json_error(refresh(browser, tokens["refresh_token"]))["error"] == "invalid_grant"
    assert json_error(refresh(browser, successor))["error"] == "invalid_grant"


def test_a_replay_within_the_reuse_grace_is_refused_but_spares_the_successor(
    browser: httpx.Client,
) -> None:
    request = AuthorizeRequest()
    tokens = exchange_code(browser, request, sign_in_for_code(browser, request)).json()
    successor = refresh(browser, tokens["refresh_token"]).json()["refresh_token"]
    assert json_error(refresh(browser, tokens["refresh_token"]))["error"] == "invalid_grant"
    assert refresh(browser, successor).status_code == 200


def test_a_refresh_token_works_only_for_its_own_client(browser: httpx.Client) -> None:
    request = AuthorizeRequest()
    tokens = exchange_code(browser, request, sign_in_for_code(browser, request)).json()
    assert json_error(refresh(browser, tokens["refresh_token"], MCP_CLIENT))["error"] == (
        "invalid_grant"
    )


def test_no_refresh_token_is_issued_without_offline_access(browser: httpx.Client) -> None:
    request = AuthorizeRequest(scope="openid profile read:todos")
    tokens = exchange_code(browser, request, sign_in_for_code(browser, request)).json()
    assert "refresh_token" not in tokens
    assert "offline_access" not in tokens["scope"].split()


def test_refresh_may_narrow_but_never_widen_the_scope(browser: httpx.Client) -> None:
    request = AuthorizeRequest(scope="openid offline_access read:todos read:billing")
    tokens = exchange_code(browser, request, sign_in_for_code(browser, request)).json()
    form = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "scope": "openid offline_access read:todos write:todos",
    }
    wider = browser.post("/oauth/token", data=form, auth=WEB_CLIENT)
    assert json_error(wider)["error"] == "invalid_scope"
    form["scope"] = "openid offline_access read:todos"
    narrower = browser.post("/oauth/token", data=form, auth=WEB_CLIENT)
    assert narrower.status_code == 200, narrower.text
    assert unverified_claims(narrower.json()["access_token"])["permissions"] == ["read:todos"]


def test_the_password_grant_gives_the_cli_client_a_token_limited_to_the_user(
    devidp: RunningDevIdP,
) -> None:
    alice = password_token(devidp.url, "alice")
    bob = password_token(devidp.url, "bob")
    assert unverified_claims(alice["access_token"])["permissions"] == [
        "read:todos",
        "write:todos",
        "read:billing",
    ]
    bob_claims = unverified_claims(bob["access_token"])
    assert bob_claims["permissions"] == ["read:todos"]
    assert bob_claims["azp"] == "baton-cli"
    assert bob_claims["sub"] == "auth0|bob"
    assert "write:todos" not in bob["scope"].split()
    assert "refresh_token" in bob and "id_token" in bob


def test_the_password_grant_refuses_a_wrong_password(devidp: RunningDevIdP) -> None:
    with pytest.raises(httpx.HTTPStatusError) as caught:
        password_token(devidp.url, "alice", "bob")
    assert json_error(caught.value.response)["error"] == "invalid_grant"
    assert "bob" not in caught.value.response.text


def test_the_password_grant_is_not_open_to_the_web_apps(browser: httpx.Client) -> None:
    form = {"grant_type": "password", "username": "alice", "password": "alice"}
    response = browser.post("/oauth/token", data=form, auth=WEB_CLIENT)
    assert json_error(response)["error"] == "unauthorized_client"


def test_resource_is_accepted_as_another_name_for_audience(devidp: RunningDevIdP) -> None:
    form = {
        "grant_type": "password",
        "username": "bob",
        "password": "bob",
        "client_id": "baton-cli",
        "resource": "urn:todos-api",
        "scope": "read:todos",
    }
    response = httpx.post(devidp.token_url, data=form)
    assert response.status_code == 200, response.text
    assert unverified_claims(response.json()["access_token"])["aud"] == "urn:todos-api"


def test_an_unknown_audience_is_refused(devidp: RunningDevIdP) -> None:
    with pytest.raises(httpx.HTTPStatusError) as caught:
        password_token(devidp.url, "alice", audience="urn:somebody-else")
    assert json_error(caught.value.response)["error"] == "access_denied"


def test_without_an_audience_the_token_is_for_userinfo_only(devidp: RunningDevIdP) -> None:
    tokens = password_token(devidp.url, "alice", audience=None)
    claims = unverified_claims(tokens["access_token"])
    assert claims["aud"] == devidp.issuer + "userinfo"
    assert claims["permissions"] == []
    assert "read:todos" not in claims["scope"].split()


def test_the_access_token_lifetime_is_a_setting(tmp_path: Path) -> None:
    with running_devidp(tmp_path, DEVIDP_ACCESS_TOKEN_TTL=5) as idp:
        tokens = password_token(idp.url, "alice")
    claims = unverified_claims(tokens["access_token"])
    assert tokens["expires_in"] == 5
    assert claims["exp"] - claims["iat"] == 5


def test_the_token_endpoint_also_takes_a_json_body_as_auth0_does(devidp: RunningDevIdP) -> None:
    body = {
        "grant_type": "password",
        "username": "alice",
        "password": "alice",
        "client_id": "baton-cli",
        "audience": "urn:todos-api",
        "scope": "read:todos",
    }
    response = httpx.post(devidp.token_url, json=body)
    assert response.status_code == 200, response.text


def test_concurrent_redemptions_of_one_code_yield_exactly_one_token(
    devidp: RunningDevIdP, browser: httpx.Client
) -> None:
    request = AuthorizeRequest()
    code = sign_in_for_code(browser, request)

    def redeem(_: int) -> int:
        with httpx.Client(base_url=devidp.url) as http:
            return exchange_code(http, request, code).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(redeem, range(8)))
    assert sorted(statuses) == [200] + [400] * 7


def test_concurrent_refreshes_with_one_refresh_token_yield_exactly_one_token(
    devidp: RunningDevIdP, browser: httpx.Client
) -> None:
    request = AuthorizeRequest()
    tokens = exchange_code(browser, request, sign_in_for_code(browser, request)).json()

    def use(_: int) -> int:
        with httpx.Client(base_url=devidp.url) as http:
            return refresh(http, tokens["refresh_token"]).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(use, range(8)))
    assert statuses.count(200) == 1
    assert sorted(statuses)[1:] == [400] * 7


def test_extra_audiences_from_settings_are_accepted(tmp_path: Path) -> None:
    with running_devidp(tmp_path, DEVIDP_EXTRA_AUDIENCES="urn:other-api") as idp:
        tokens = password_token(idp.url, "alice", audience="urn:other-api", scope="read:todos")
    assert unverified_claims(tokens["access_token"])["aud"] == "urn:other-api"


def test_revoking_a_refresh_token_ends_it_and_its_rotations(browser: httpx.Client) -> None:
    request = AuthorizeRequest()
    tokens = exchange_code(browser, request, sign_in_for_code(browser, request)).json()
    rotated = refresh(browser, tokens["refresh_token"]).json()["refresh_token"]
    revoked = browser.post(
        "/oauth/revoke",
        data={"token": rotated, "token_type_hint": "refresh_token"},
        auth=WEB_CLIENT,
    )
    assert revoked.status_code == 200
    assert json_error(refresh(browser, rotated))["error"] == "invalid_grant"


def test_revocation_requires_the_owning_client(browser: httpx.Client) -> None:
    request = AuthorizeRequest()
    tokens = exchange_code(browser, request, sign_in_for_code(browser, request)).json()
    other = browser.post("/oauth/revoke", data={"token": tokens["refresh_token"]}, auth=MCP_CLIENT)
    assert json_error(other)["error"] == "invalid_grant"
    wrong_secret = browser.post(
        "/oauth/revoke", data={"token": tokens["refresh_token"]}, auth=("baton-web", "nope")
    )
    assert wrong_secret.status_code == 401
    assert refresh(browser, tokens["refresh_token"]).status_code == 200


def test_revoking_an_access_token_or_an_unknown_token_answers_200(
    devidp: RunningDevIdP,
) -> None:
    tokens = password_token(devidp.url, "alice")
    for token in (tokens["access_token"], "no-such-token"):
        answer = httpx.post(
            devidp.url + "/oauth/revoke", data={"token": token, "client_id": "baton-cli"}
        )
        assert answer.status_code == 200
