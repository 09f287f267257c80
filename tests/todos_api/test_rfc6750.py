"""Bearer-token errors per RFC 6750: right status, challenge and body, and nothing more.

Forged tokens come from the local issuer, which the API trusts, so each one reaches
the real verifier with a key it accepts and fails for the intended reason alone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from joserfc.jwk import RSAKey

from tests.support.servers import free_port
from tests.support.todos import RunningTodosApi, running_todos_api
from tests.todos_api.issuer import LocalIssuer, tamper

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


def _forgeries(issuer: LocalIssuer) -> dict[str, str]:
    stranger = RSAKey.generate_key(2048, parameters={"kid": "local-1"}, private=True)
    good = issuer.mint("alice")
    return {
        "tampered": tamper(good, sub="auth0|bob"),
        "expired": issuer.mint("alice", expires_in=-3600),
        "other audience": issuer.mint("alice", audience="urn:someone-elses-api"),
        "signed by a stranger's key": issuer.mint("alice", key=stranger),
        "wrong issuer": tamper(good, iss="https://evil.example/"),
        "alg none": "eyJhbGciOiJub25lIn0." + good.split(".")[1] + ".",
        "garbage": "not-a-jwt",
        "empty bearer": "",
    }


FORGERY_NAMES = [
    "tampered",
    "expired",
    "other audience",
    "signed by a stranger's key",
    "wrong issuer",
    "alg none",
    "garbage",
    "empty bearer",
]


@pytest.mark.parametrize("kind", FORGERY_NAMES)
def test_a_bad_token_gets_401_invalid_token_without_saying_why(
    api: RunningTodosApi, local_issuer: LocalIssuer, kind: str
) -> None:
    token = _forgeries(local_issuer)[kind]
    # rstrip: an empty token is sent as a bare "Bearer" (httpx refuses trailing spaces).
    response = _get(api, "/api/todos", f"Bearer {token}".rstrip())
    assert response.status_code == 401
    # Identical for every kind, so an attacker learns nothing about which check failed.
    assert response.headers["www-authenticate"] == INVALID_CHALLENGE
    assert response.json() == INVALID_BODY
    if token:
        assert token not in response.text


def test_a_good_token_from_the_same_issuer_is_accepted(
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


def test_me_reports_subject_scopes_and_the_profile_claims_the_token_carries(
    api: RunningTodosApi, local_issuer: LocalIssuer
) -> None:
    token = local_issuer.mint(
        "alice", name="Alice Liddell", email="alice@example.com", email_verified=True
    )
    response = _get(api, "/api/me", f"Bearer {token}")
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


def test_me_needs_no_particular_permission(api: RunningTodosApi, local_issuer: LocalIssuer) -> None:
    response = _get(api, "/api/me", f"Bearer {local_issuer.mint('nobody', permissions=())}")
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
