"""From a 401 to the authorization server: RFC 9728 and RFC 8414 as clients read them."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.mcp_server.conftest import Stack


def _resource_metadata_url(challenge: str) -> str:
    match = re.search(r'resource_metadata="([^"]+)"', challenge)
    assert match, challenge
    return match.group(1)


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/mcp"), ("GET", "/mcp"), ("GET", "/sse"), ("POST", "/messages/")]
)
def test_requests_without_a_token_get_401_with_a_resource_metadata_challenge(
    stack: Stack, method: str, path: str
) -> None:
    response = httpx.request(
        method, stack.mcp.url + path, json={"jsonrpc": "2.0", "id": 1, "method": "ping"}
    )

    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert (
        _resource_metadata_url(challenge) == stack.mcp.url + "/.well-known/oauth-protected-resource"
    )


def test_a_request_without_credentials_gets_a_challenge_without_an_error_code(
    stack: Stack,
) -> None:
    # RFC 6750 section 3.1: no credentials, no error code; just where to authenticate.
    response = httpx.post(stack.mcp.mcp_url, json={})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == (
        f'Bearer resource_metadata="{stack.mcp.url}/.well-known/oauth-protected-resource"'
    )
    assert response.json()["error"] == "missing_token"


def test_an_invalid_token_gets_401_invalid_token(stack: Stack) -> None:
    response = httpx.post(
        stack.mcp.mcp_url, headers={"Authorization": "Bearer not-a-baton-token"}, json={}
    )

    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_the_protected_resource_covers_both_transports_and_names_the_issuer_exactly(
    stack: Stack,
) -> None:
    challenge = httpx.post(stack.mcp.mcp_url, json={}).headers["www-authenticate"]
    prm = httpx.get(_resource_metadata_url(challenge)).json()
    issuer = prm["authorization_servers"][0]
    asm = httpx.get(issuer.rstrip("/") + "/.well-known/oauth-authorization-server").json()

    assert prm["resource"] == stack.mcp.url + "/"
    for endpoint in (stack.mcp.mcp_url, stack.mcp.sse_url):
        assert endpoint.startswith(prm["resource"])
    assert set(prm["scopes_supported"]) == {"read:todos", "write:todos", "read:billing"}
    assert asm["issuer"] == issuer  # to the character, trailing slash included


def test_the_authorization_server_metadata_advertises_what_baton_supports(stack: Stack) -> None:
    asm = httpx.get(stack.mcp.url + "/.well-known/oauth-authorization-server").json()

    assert asm["code_challenge_methods_supported"] == ["S256"]
    assert asm["authorization_response_iss_parameter_supported"] is True
    assert asm["client_id_metadata_document_supported"] is True
    assert asm["response_types_supported"] == ["code"]
    assert set(asm["grant_types_supported"]) == {
        "authorization_code",
        "refresh_token",
        "urn:ietf:params:oauth:grant-type:token-exchange",
    }
    assert {"none", "client_secret_post"} <= set(asm["token_endpoint_auth_methods_supported"])
    base = stack.mcp.url
    assert asm["authorization_endpoint"] == base + "/authorize"
    assert asm["token_endpoint"] == base + "/token"
    assert asm["registration_endpoint"] == base + "/register"
    assert asm["revocation_endpoint"] == base + "/revoke"


def test_health_answers_without_a_token_and_for_any_host_name(stack: Stack) -> None:
    response = httpx.get(stack.mcp.url + "/healthz", headers={"Host": "internal-probe"})

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_oauth_endpoints_also_refuse_a_foreign_host(stack: Stack) -> None:
    response = httpx.get(
        stack.mcp.url + "/.well-known/oauth-authorization-server",
        headers={"Host": "rebound.example"},
    )

    assert response.status_code == 421
