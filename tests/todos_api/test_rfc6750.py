"""Bearer-token errors per RFC 6750: right status, challenge and body, and nothing more.

Real tokens come from the dev identity provider. Tokens it would never issue
(expired, signed with another key) come from the local issuer, presented to an API
that trusts it, so each reaches the real verifier and fails for that reason alone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from joserfc.jwk import RSAKey

from tests.support.devidp import RunningDevIdP, password_token
from tests.support.servers import free_port
from tests.support.todos import RunningTodosApi, running_todos_api
from tests.todos_api.issuer import LocalIssuer, tamper
from tests.todos_api.users import OTHER_AUDIENCE

INVALID_CHALLENGE = (
    'Bearer realm="todos-api", error="invalid_token", '
    'error_description="The access token is invalid."'
)
INVALID_BODY = {"error": "invalid_token", "error_description": "The access token is invalid."}


def _get(api: RunningTodosApi, path: str, authorization: str | None) -> httpx.Response:
    headers = {"Authorization": authorization} if authorization is not None else {}
    return httpx.get(f"{api.url}{path}", headers=headers, timeout=10.0)


@pytest.mark.parametrize("path", ["/api/me", "/api/todos", "/api/billing"])
def test_a_request_without_a_token_gets_a_bare_bearer_challenge(
    api: RunningTodosApi, path: str
) -> None:
    response = _get(api, path, None)
    assert response.status_code == 401
    # RFC 6750 3.1: no error code when the request carried no authentication at all.
    assert response.headers["www-authenticate"] == 'Bearer realm="todos-api"'
    assert response.json() == {
        "error": "missing_token",
        "error_description": "A bearer access token is required.",
    }
    assert response.headers["cache-control"] == "no-store"


def test_another_authentication_scheme_counts_as_no_bearer_token(api: RunningTodosApi) -> None:
    response = _get(api, "/api/todos", "Basic YWxpY2U6YWxpY2U=")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="todos-api"'


def _assert_invalid_token(response: httpx.Response, token: str) -> None:
    assert response.status_code == 401
    # Identical for every kind, so an attacker learns nothing about which check failed.
    assert response.headers["www-authenticate"] == INVALID_CHALLENGE
    assert response.json() == INVALID_BODY
    if token:
        assert token not in response.text


def _real_bad_tokens(idp: RunningDevIdP) -> dict[str, str]:
    good = password_token(idp.url, "alice")["access_token"]
    return {
        "tampered": tamper(good, sub="auth0|bob"),
        "scope widened by tampering": tamper(good, scope="read:billing", permissions=[]),
        "for another audience": password_token(idp.url, "alice", audience=OTHER_AUDIENCE)[
            "access_token"
        ],
        "an ID token": password_token(idp.url, "alice")["id_token"],
    }


@pytest.mark.parametrize(
    "kind", ["tampered", "scope widened by tampering", "for another audience", "an ID token"]
)
def test_a_real_token_that_was_altered_or_meant_for_another_api_gets_401(
    api: RunningTodosApi, devidp: RunningDevIdP, kind: str
) -> None:
    token = _real_bad_tokens(devidp)[kind]
    _assert_invalid_token(_get(api, "/api/todos", f"Bearer {token}"), token)


def _forgeries(issuer: LocalIssuer) -> dict[str, str]:
    stranger = RSAKey.generate_key(2048, parameters={"kid": "local-1"}, private=True)
    good = issuer.mint("alice")
    return {
        "expired": issuer.mint("alice", expires_in=-3600),
        "other audience": issuer.mint("alice", audience="urn:someone-elses-api"),
        "signed by a stranger's key": issuer.mint("alice", key=stranger),
        "wrong issuer": tamper(good, iss="https://evil.example/"),
        "alg none": "eyJhbGciOiJub25lIn0." + good.split(".")[1] + ".",
        "garbage": "not-a-jwt",
        "empty bearer": "",
    }


FORGERY_NAMES = [
    "expired",
    "other audience",
    "signed by a stranger's key",
    "wrong issuer",
    "alg none",
    "garbage",
    "empty bearer",
]


@pytest.mark.parametrize("kind", FORGERY_NAMES)
def test_a_forged_expired_or_malformed_token_gets_the_same_401(
    api_trusting_local_issuer: RunningTodosApi, local_issuer: LocalIssuer, kind: str
) -> None:
    token = _forgeries(local_issuer)[kind]
    # rstrip: an empty token is sent as a bare "Bearer" (httpx refuses trailing spaces).
    response = _get(api_trusting_local_issuer, "/api/todos", f"Bearer {token}".rstrip())
    _assert_invalid_token(response, token)


def test_a_token_from_an_issuer_the_api_does_not_trust_gets_401(
    api: RunningTodosApi, local_issuer: LocalIssuer
) -> None:
    token = local_issuer.mint("alice")
    _assert_invalid_token(_get(api, "/api/todos", f"Bearer {token}"), token)


def test_a_real_token_from_the_trusted_provider_is_accepted(
    api: RunningTodosApi, token_for: Callable[[str], str]
) -> None:
    assert _get(api, "/api/todos", f"Bearer {token_for('alice')}").status_code == 200


def test_bob_is_refused_billing_with_insufficient_scope(
    api: RunningTodosApi, token_for: Callable[[str], str]
) -> None:
    response = _get(api, "/api/billing", f"Bearer {token_for('bob')}")
    assert response.status_code == 403
    assert response.headers["www-authenticate"] == (
        'Bearer realm="todos-api", error="insufficient_scope", '
        'error_description="The access token lacks the read:billing permission.", '
        'scope="read:billing"'
    )
    assert response.json() == {
        "error": "insufficient_scope",
        "error_description": "The access token lacks the read:billing permission.",
    }


def test_me_reports_the_subject_permissions_and_client_of_a_real_token(
    api: RunningTodosApi, token_for: Callable[[str], str]
) -> None:
    response = _get(api, "/api/me", f"Bearer {token_for('bob')}")
    assert response.status_code == 200
    me = response.json()
    assert me["sub"] == "auth0|bob"
    assert "read:todos" in me["scopes"]
    assert not {"write:todos", "read:billing"} & set(me["scopes"])
    assert me["client_id"] == "baton-cli"


def test_me_reports_the_profile_claims_a_token_carries(
    api_trusting_local_issuer: RunningTodosApi, local_issuer: LocalIssuer
) -> None:
    # Auth0 puts profile claims into access tokens only through an Action; forge one.
    token = local_issuer.mint(
        "alice", name="Alice Liddell", email="alice@example.com", email_verified=True
    )
    response = _get(api_trusting_local_issuer, "/api/me", f"Bearer {token}")
    assert response.status_code == 200
    assert response.json() == {
        "sub": "auth0|alice",
        "scopes": ["openid", "profile", "read:billing", "read:todos", "write:todos"],
        "client_id": "baton-cli",
        "name": "Alice Liddell",
        "nickname": None,
        "email": "alice@example.com",
        "email_verified": True,
        "picture": None,
    }


def test_me_needs_no_particular_permission(
    api: RunningTodosApi, token_for: Callable[[str], str]
) -> None:
    response = _get(api, "/api/me", f"Bearer {token_for('nobody')}")
    assert response.status_code == 200
    assert response.json()["sub"] == "auth0|nobody"


def test_an_unreachable_issuer_gets_503_with_retry_after(
    tmp_path: Path, local_issuer: LocalIssuer
) -> None:
    silent_issuer = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
    with running_todos_api(tmp_path, silent_issuer, TODOS_API_RETRY_AFTER=7) as api:
        token = local_issuer.mint("alice")
        response = _get(api, "/api/todos", f"Bearer {token}")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "7"
    assert response.json()["error"] == "temporarily_unavailable"
    assert token not in response.text
