"""Malformed and hostile requests get the right 4xx with an RFC-shaped error, never a 500."""

from __future__ import annotations

import httpx
import pytest

from tests.mcp_server.conftest import Stack
from tests.mcp_server.oauth_steps import authorize_url, list_tools, obtain_code, redeem, register
from tests.support.devidp import password_token
from tests.support.mcp import exchange_token


def _json_error(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"grant_type": "authorization_code"}', "application/json"),
        (b"", "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00garbage=%%%", "application/x-www-form-urlencoded"),
        (
            b"grant_type=refresh_token&grant_type=authorization_code",
            "application/x-www-form-urlencoded",
        ),
    ],
)
def test_token_answers_malformed_bodies_with_invalid_request(
    stack: Stack, content: bytes, content_type: str
) -> None:
    response = httpx.post(
        stack.mcp.token_url, content=content, headers={"Content-Type": content_type}
    )

    _json_error(response, 400, "invalid_request")
    assert response.headers["cache-control"] == "no-store"


def test_token_refuses_oversized_bodies(stack: Stack) -> None:
    response = httpx.post(
        stack.mcp.token_url, data={"grant_type": "refresh_token", "refresh_token": "x" * 200_000}
    )

    assert response.status_code == 413


def test_token_with_an_unknown_client_is_invalid_client(stack: Stack) -> None:
    form = {"grant_type": "refresh_token", "refresh_token": "x", "client_id": "nobody"}

    _json_error(httpx.post(stack.mcp.token_url, data=form), 401, "invalid_client")


def test_token_with_a_malformed_basic_header_is_invalid_client(stack: Stack) -> None:
    response = httpx.post(
        stack.mcp.token_url,
        data={"grant_type": "refresh_token"},
        headers={"Authorization": "Basic %%%"},
    )

    _json_error(response, 401, "invalid_client")


def test_a_confidential_client_must_present_its_secret(stack: Stack) -> None:
    client = register(stack.mcp.url, token_endpoint_auth_method="client_secret_post")
    assert client.secret
    form = {"grant_type": "refresh_token", "refresh_token": "x", "client_id": client.client_id}

    _json_error(httpx.post(stack.mcp.token_url, data=form), 401, "invalid_client")
    _json_error(
        httpx.post(stack.mcp.token_url, data={**form, "client_secret": "wrong"}),
        401,
        "invalid_client",
    )
    _json_error(
        httpx.post(stack.mcp.token_url, data={**form, "client_secret": client.secret}),
        400,
        "invalid_grant",
    )


@pytest.mark.parametrize(
    "body", [b"not json", b"[1, 2]", b'{"redirect_uris": []}', b'{"client_name": "x"}']
)
def test_register_answers_bad_metadata_with_invalid_client_metadata(
    stack: Stack, body: bytes
) -> None:
    response = httpx.post(
        stack.mcp.url + "/register", content=body, headers={"Content-Type": "application/json"}
    )

    _json_error(response, 400, "invalid_client_metadata")


@pytest.mark.parametrize(
    "uri", ["javascript:alert(1)", "https://app.example/cb#frag", "http://evil.example/cb"]
)
def test_register_refuses_dangerous_redirect_uris(stack: Stack, uri: str) -> None:
    response = httpx.post(stack.mcp.url + "/register", json={"redirect_uris": [uri]})

    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_redirect_uri", "invalid_client_metadata"}


def test_registration_returns_the_secret_once_and_uncached(stack: Stack) -> None:
    response = httpx.post(
        stack.mcp.url + "/register",
        json={
            "redirect_uris": ["http://localhost:3000/cb"],
            "token_endpoint_auth_method": "client_secret_post",
        },
    )

    assert response.status_code == 201
    assert response.json()["client_secret"]
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "query",
    ["", "?client_id=nobody&response_type=code&code_challenge=x", "?client_id=" + "a" * 5000],
)
def test_authorize_shows_an_error_page_for_requests_it_cannot_trust(
    stack: Stack, query: str
) -> None:
    response = httpx.get(stack.mcp.url + "/authorize" + query)

    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")


def test_authorize_sends_an_unsupported_response_type_back_to_the_client(stack: Stack) -> None:
    client = register(stack.mcp.url)

    response = httpx.get(
        authorize_url(stack.mcp.url, client, response_type="token", code_challenge="x" * 43)
    )

    assert response.status_code == 302
    location = httpx.URL(response.headers["location"])
    assert location.params["error"] == "unsupported_response_type"
    assert location.params["iss"] == stack.mcp.url + "/"


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "/consent", None),
        ("GET", "/consent?request=unknown", None),
        ("POST", "/consent", {"request": "unknown", "csrf_token": "x", "decision": "allow"}),
        ("GET", "/callback", None),
        ("GET", "/callback?state=unknown&code=x", None),
        ("GET", "/callback?state=unknown&error=access_denied", None),
    ],
)
def test_browser_endpoints_answer_unknown_requests_with_an_error_page(
    stack: Stack, method: str, path: str, data: dict[str, str] | None
) -> None:
    response = httpx.request(method, stack.mcp.url + path, data=data)

    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.headers["x-frame-options"] == "DENY"


def test_revoke_requires_client_authentication(stack: Stack) -> None:
    _json_error(httpx.post(stack.mcp.url + "/revoke", data={"token": "x"}), 401, "invalid_client")


async def test_revoking_an_access_token_ends_it_and_its_refresh_token(stack: Stack) -> None:
    client = register(stack.mcp.url)
    tokens = redeem(stack.mcp.url, await obtain_code(stack.mcp.url, client)).json()

    response = httpx.post(
        stack.mcp.url + "/revoke",
        data={"token": tokens["access_token"], "client_id": client.client_id},
    )

    assert response.status_code == 200
    assert list_tools(stack.mcp.url, tokens["access_token"]).status_code == 401
    refreshed = httpx.post(
        stack.mcp.token_url,
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": client.client_id,
        },
    )
    _json_error(refreshed, 400, "invalid_grant")


def test_revoking_an_unknown_token_is_still_200(stack: Stack) -> None:
    client = register(stack.mcp.url)

    response = httpx.post(
        stack.mcp.url + "/revoke", data={"token": "nope", "client_id": client.client_id}
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"jsonrpc": "2.0", "method": "tools/call", "params": "x", "id": 1}'],
)
def test_mcp_answers_malformed_json_rpc_with_a_4xx_or_an_error_object(
    stack: Stack, body: bytes
) -> None:
    token = exchange_token(stack.mcp.url, password_token(stack.idp.url, "alice")["access_token"])

    response = httpx.post(
        stack.mcp.mcp_url,
        content=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
        },
    )

    assert response.status_code < 500
    if response.status_code == 200:
        assert "error" in response.json()


def test_an_oversized_bearer_header_is_just_401(stack: Stack) -> None:
    response = httpx.post(
        stack.mcp.mcp_url, headers={"Authorization": "Bearer " + "x" * 10_000}, json={}
    )

    assert response.status_code == 401


def test_a_tool_error_from_the_todos_api_is_a_tool_result_not_a_protocol_error(
    stack: Stack,
) -> None:
    token = exchange_token(stack.mcp.url, password_token(stack.idp.url, "alice")["access_token"])
    call = {
        "jsonrpc": "2.0",
        "id": 7,
        "method": "tools/call",
        "params": {"name": "complete-todo", "arguments": {"id": "no-such-todo"}},
    }

    response = httpx.post(
        stack.mcp.mcp_url,
        json=call,
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/json, text/event-stream",
        },
    )

    assert response.status_code == 200
    result = response.json()["result"]
    assert result["isError"] is True
    assert "Not found" in result["content"][0]["text"]
    assert token not in response.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "multipart/form-data; boundary=x"},
    ],
)
def test_consent_survives_broken_bodies(stack: Stack, headers: dict[str, str]) -> None:
    response = httpx.post(stack.mcp.url + "/consent", content=b"--x\r\ngarbage", headers=headers)

    assert 400 <= response.status_code < 500
