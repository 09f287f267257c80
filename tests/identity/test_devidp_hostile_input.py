"""Malformed and hostile requests get a 4xx with an RFC 6749-shaped JSON body, never a 500."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.identity.flows import WEB_CALLBACK, json_error
from tests.support.devidp import RunningDevIdP, running_devidp

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _basic(raw: bytes) -> dict[str, str]:
    return {**FORM, "Authorization": "Basic " + base64.b64encode(raw).decode()}


HOSTILE: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/authorize", {}),
    ("GET", "/authorize", {"params": {"client_id": "baton-web"}}),
    ("GET", "/authorize", {"params": {"client_id": "baton-web", "redirect_uri": '"><script>'}}),
    ("GET", "/authorize", {"params": {"client_id": "baton-web", "redirect_uri": "\\\u00e9\u2028"}}),
    (
        "GET",
        "/authorize",
        {
            "params": {
                "client_id": "baton-web",
                "redirect_uri": WEB_CALLBACK,
                "response_type": 'co"de\\',
            }
        },
    ),
    ("GET", "/authorize?client_id=%ff%fe&redirect_uri=%00", {}),
    ("GET", "/authorize?" + "&".join(f"p{i}=1" for i in range(500)), {}),
    ("POST", "/authorize", {"content": b"\xff\xfe", "headers": FORM}),
    ("POST", "/oauth/token", {}),
    ("POST", "/oauth/token", {"content": b"\xff\xfe\xfd", "headers": FORM}),
    ("POST", "/oauth/token", {"content": b"grant_type=%ff%fe", "headers": FORM}),
    ("POST", "/oauth/token", {"content": b"a" * 70_000, "headers": FORM}),
    ("POST", "/oauth/token", {"json": ["grant_type", "password"]}),
    ("POST", "/oauth/token", {"json": {"grant_type": {"nested": True}}}),
    (
        "POST",
        "/oauth/token",
        {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
    ),
    (
        "POST",
        "/oauth/token",
        {"content": b"grant_type=password", "headers": {"Content-Type": "text/plain"}},
    ),
    ("POST", "/oauth/token", {"files": {"grant_type": ("a", b"password")}}),
    ("POST", "/oauth/token", {"data": {"grant_type": 'pass"word\\'}}),
    ("POST", "/oauth/token", {"data": {"grant_type": "authorization_code", "code": "nope"}}),
    ("POST", "/oauth/token", {"data": {"grant_type": "refresh_token", "refresh_token": "x"}}),
    ("POST", "/oauth/token", {"data": {"grant_type": "password", "client_id": "baton-cli"}}),
    (
        "POST",
        "/oauth/token",
        {"content": b"grant_type=password&grant_type=password", "headers": FORM},
    ),
    (
        "POST",
        "/oauth/token",
        {"content": b"grant_type=refresh_token", "headers": _basic(b"\xff\xfe:\xfd")},
    ),
    (
        "POST",
        "/oauth/token",
        {"content": b"grant_type=refresh_token", "headers": _basic(b"no-colon")},
    ),
    (
        "POST",
        "/oauth/token",
        {"content": b"grant_type=refresh_token", "headers": {**FORM, "Authorization": "Basic !!!"}},
    ),
    ("POST", "/oauth/token", {"data": {"client_id": "baton-web", "client_secret": "\u2028"}}),
    ("POST", "/oauth/revoke", {}),
    ("POST", "/oauth/revoke", {"data": {"client_id": "baton-cli"}}),
    (
        "POST",
        "/oauth/revoke",
        {"data": {"client_id": "baton-cli", "token": "x", "token_type_hint": 'a"b'}},
    ),
    ("POST", "/oauth/revoke", {"content": b"\xff", "headers": FORM}),
    ("GET", "/oauth/revoke", {}),
    ("PUT", "/oauth/token", {}),
    ("GET", "/oauth/token", {}),
    ("POST", "/login", {}),
    ("POST", "/login", {"data": {"csrf": "x", "authorize": "%%%"}}),
    ("POST", "/login", {"content": b"\xff", "headers": FORM}),
    ("GET", "/userinfo", {"headers": {"Authorization": "Bearer " + "a" * 20_000}}),
    ("GET", "/userinfo", {"headers": {"Authorization": "Bearer e30.e30.e30"}}),
    ("GET", "/v2/logout", {"params": {"returnTo": "http://[::1"}}),
    ("GET", "/v2/logout", {"params": {"returnTo": "http://127.0.0.1:99999/"}}),
    ("GET", "/v2/logout", {"params": {"returnTo": "\u00e9\u2028"}}),
    ("GET", "/no/such/endpoint", {}),
]


@pytest.fixture(scope="module")
def shared_devidp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDevIdP]:
    """One provider for all the hostile requests: none of them changes its state."""
    with running_devidp(tmp_path_factory.mktemp("hostile")) as idp:
        yield idp


@pytest.mark.parametrize(("method", "path", "kwargs"), HOSTILE)
def test_hostile_requests_get_a_json_4xx_never_a_500(
    shared_devidp: RunningDevIdP, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    with httpx.Client(base_url=shared_devidp.url) as http:
        response = http.request(method, path, **kwargs)
    body = json_error(response)
    assert "error_description" not in body or isinstance(body["error_description"], str)


def test_error_bodies_never_echo_a_submitted_secret_or_password(devidp: RunningDevIdP) -> None:
    form = {
        "grant_type": "password",
        "username": "alice",
        "password": "hunter2-secret",
        "client_id": "baton-web",
        "client_secret": "wrong-secret-value",
    }
    response = httpx.post(devidp.token_url, data=form)
    assert response.status_code == 401
    assert "hunter2" not in response.text
    assert "wrong-secret-value" not in response.text
