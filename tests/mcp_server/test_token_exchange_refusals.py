"""Token exchange refuses what DESIGN 3b says it must, with RFC 6749 / RFC 8693 errors."""

from __future__ import annotations

import sqlite3
import time

import httpx

from tests.mcp_server.conftest import Stack
from tests.mcp_server.minting import mint_access_token
from tests.mcp_server.oauth_steps import list_tools, register
from tests.support.devidp import password_token
from tests.support.mcp import ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE, exchange_request


def _error(response: httpx.Response) -> tuple[int, str]:
    assert response.headers["cache-control"] == "no-store"
    return response.status_code, response.json()["error"]


def test_a_minted_token_from_the_trusted_key_is_exchanged(stack: Stack) -> None:
    # Guards the refusal tests below: they differ from this one by one claim.
    assert exchange_request(stack.mcp.url, mint_access_token(stack.idp)).status_code == 200


def test_a_subject_token_issued_to_an_untrusted_application_is_refused(stack: Stack) -> None:
    token = mint_access_token(stack.idp, azp="some-other-app")

    assert _error(exchange_request(stack.mcp.url, token)) == (400, "invalid_request")


def test_a_subject_token_for_another_audience_is_refused(stack: Stack) -> None:
    token = mint_access_token(stack.idp, aud="urn:other-api")

    assert _error(exchange_request(stack.mcp.url, token)) == (400, "invalid_request")


def test_an_expired_subject_token_is_refused(stack: Stack) -> None:
    now = int(time.time())
    for exp in (now - 3600, now - 5):  # beyond and within the verifier's clock leeway
        token = mint_access_token(stack.idp, exp=exp, iat=exp - 600)
        assert _error(exchange_request(stack.mcp.url, token)) == (400, "invalid_request")


def test_a_subject_token_signed_by_another_key_is_refused(stack: Stack) -> None:
    token = password_token(stack.idp.url, "alice")["access_token"]
    header, claims, signature = token.split(".")
    tampered = ".".join([header, claims, signature[::-1]])

    assert _error(exchange_request(stack.mcp.url, tampered)) == (400, "invalid_request")


def test_an_exchange_without_client_credentials_is_refused_with_invalid_client(
    stack: Stack,
) -> None:
    subject = password_token(stack.idp.url, "alice")["access_token"]
    form = {
        "grant_type": TOKEN_EXCHANGE,
        "subject_token": subject,
        "subject_token_type": ACCESS_TOKEN_TYPE,
    }

    response = httpx.post(stack.mcp.token_url, data=form)

    assert _error(response) == (401, "invalid_client")
    assert _error(exchange_request(stack.mcp.url, subject, client_secret=None)) == (
        401,
        "invalid_client",
    )


def test_an_exchange_with_a_wrong_secret_is_refused_with_invalid_client(stack: Stack) -> None:
    subject = password_token(stack.idp.url, "alice")["access_token"]

    post = exchange_request(stack.mcp.url, subject, client_secret="wrong")
    basic = exchange_request(stack.mcp.url, subject, client_secret="wrong", basic=True)

    assert _error(post) == (401, "invalid_client")
    assert _error(basic) == (401, "invalid_client")
    assert basic.headers["www-authenticate"].startswith("Basic")


def test_a_public_client_may_not_use_token_exchange(stack: Stack) -> None:
    client = register(stack.mcp.url)
    subject = password_token(stack.idp.url, "alice")["access_token"]

    response = exchange_request(
        stack.mcp.url, subject, client_id=client.client_id, client_secret=None
    )

    assert _error(response) == (400, "unauthorized_client")


def test_scopes_are_never_widened_beyond_the_subject_token(stack: Stack) -> None:
    bob = password_token(stack.idp.url, "bob")["access_token"]

    widened = exchange_request(stack.mcp.url, bob, scope="read:todos read:billing")
    narrowed = exchange_request(
        stack.mcp.url, password_token(stack.idp.url, "alice")["access_token"], scope="read:todos"
    )

    assert _error(widened) == (400, "invalid_scope")
    assert narrowed.status_code == 200
    assert narrowed.json()["scope"] == "read:todos"


def test_bobs_exchanged_token_lists_only_his_tools(stack: Stack) -> None:
    bob = exchange_request(
        stack.mcp.url, password_token(stack.idp.url, "bob")["access_token"]
    ).json()

    response = list_tools(stack.mcp.url, bob["access_token"])

    assert bob["scope"] == "read:todos"
    assert {t["name"] for t in response.json()["result"]["tools"]} == {"whoami", "list-todos"}


def test_re_exchanging_for_the_same_user_reuses_one_grant(stack: Stack) -> None:
    for _ in range(3):
        subject = password_token(stack.idp.url, "alice")["access_token"]
        assert exchange_request(stack.mcp.url, subject).status_code == 200

    with sqlite3.connect(stack.mcp.grants_file) as db:
        grants = db.execute("SELECT COUNT(*) FROM grants WHERE kind = 'token_exchange'").fetchone()[
            0
        ]
    assert grants == 1


def test_the_baton_token_expires_no_later_than_the_subject_token(stack: Stack) -> None:
    token = mint_access_token(stack.idp, exp=int(time.time()) + 120)

    body = exchange_request(stack.mcp.url, token).json()

    assert body["expires_in"] <= 120


def test_an_unknown_grant_type_is_unsupported(stack: Stack) -> None:
    response = httpx.post(stack.mcp.token_url, data={"grant_type": "password", "username": "alice"})

    assert _error(response) == (400, "unsupported_grant_type")


def test_a_wrong_subject_token_type_is_refused(stack: Stack) -> None:
    subject = password_token(stack.idp.url, "alice")["access_token"]
    form = {
        "grant_type": TOKEN_EXCHANGE,
        "subject_token": subject,
        "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
        "client_id": "baton-graph",
        "client_secret": "dev-insecure-graph-secret",
    }

    assert _error(httpx.post(stack.mcp.token_url, data=form)) == (400, "invalid_request")


def test_bob_calling_list_billing_over_sse_gets_the_insufficient_scope_challenge(
    stack: Stack,
) -> None:
    token = exchange_request(
        stack.mcp.url, password_token(stack.idp.url, "bob")["access_token"]
    ).json()["access_token"]
    call = {
        "jsonrpc": "2.0",
        "id": 3,
        "method": "tools/call",
        "params": {"name": "list-billing", "arguments": {}},
    }

    response = httpx.post(
        stack.mcp.url + "/messages/",
        params={"session_id": "0" * 32},
        json=call,
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 403
    assert 'scope="read:todos read:billing"' in response.headers["www-authenticate"]
