"""``/authorize`` refusals: where an error may be redirected to the client, and where not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest

from tests.identity.flows import CALLBACK, AuthorizeRequest, json_error, redirect_params
from tests.support.devidp import RunningDevIdP, running_devidp


@pytest.fixture(scope="module")
def devidp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDevIdP]:
    """One provider for this module: each test has its own browser (cookies), and
    nothing here depends on what another test left in the provider."""
    with running_devidp(
        tmp_path_factory.mktemp("authorize"), DEVIDP_EXTRA_CALLBACKS=CALLBACK
    ) as idp:
        yield idp


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://127.0.0.1:9912/cb",  # another port
        "http://127.0.0.1:9911/cb/",  # a trailing slash
        "http://127.0.0.1:9911/cb/evil",  # a longer path
        "http://127.0.0.1:9911/CB",  # another case
        "http://localhost:9911/cb",  # the twin host (only registered forms count)
        "http://127.0.0.1:9911/cb?x=1",  # an added query
        "https://evil.example/cb",
    ],
)
def test_a_redirect_uri_not_registered_exactly_is_refused_without_redirecting(
    browser: httpx.Client, redirect_uri: str
) -> None:
    request = AuthorizeRequest(redirect_uri=redirect_uri)
    response = browser.get("/authorize", params=request.params())
    assert response.status_code == 400
    assert "location" not in response.headers
    assert json_error(response)["error"] == "invalid_request"


def test_both_loopback_forms_of_the_front_end_callback_are_registered(
    browser: httpx.Client,
) -> None:
    for host in ("127.0.0.1", "localhost"):
        request = AuthorizeRequest(redirect_uri=f"http://{host}:8787/auth/callback")
        page = browser.get("/authorize", params=request.params())
        assert page.status_code == 200, page.text


def test_an_unknown_client_is_refused_without_redirecting(browser: httpx.Client) -> None:
    request = AuthorizeRequest(client_id="nobody", redirect_uri=CALLBACK)
    response = browser.get("/authorize", params=request.params())
    assert json_error(response)["error"] == "invalid_client"
    assert "location" not in response.headers


def test_a_request_without_pkce_is_sent_back_with_invalid_request(browser: httpx.Client) -> None:
    request = AuthorizeRequest(extra={"code_challenge": "", "code_challenge_method": ""})
    params = redirect_params(browser.get("/authorize", params=request.params()))
    assert params["error"] == "invalid_request"
    assert params["state"] == request.state


def test_plain_pkce_is_refused(browser: httpx.Client) -> None:
    verifier = "v" * 50
    request = AuthorizeRequest(
        verifier=verifier,
        challenge=verifier,
        extra={"code_challenge_method": "plain"},
    )
    params = redirect_params(browser.get("/authorize", params=request.params()))
    assert params["error"] == "invalid_request"


def test_a_challenge_without_a_method_is_refused_because_it_means_plain(
    browser: httpx.Client,
) -> None:
    request = AuthorizeRequest(extra={"code_challenge_method": ""})
    params = redirect_params(browser.get("/authorize", params=request.params()))
    assert params["error"] == "invalid_request"


def test_an_unsupported_response_type_is_sent_back_to_the_client(browser: httpx.Client) -> None:
    request = AuthorizeRequest(extra={"response_type": "token"})
    params = redirect_params(browser.get("/authorize", params=request.params()))
    assert params["error"] == "unsupported_response_type"


def test_an_unknown_audience_is_sent_back_with_access_denied(browser: httpx.Client) -> None:
    request = AuthorizeRequest(audience="urn:not-registered")
    params = redirect_params(browser.get("/authorize", params=request.params()))
    assert params["error"] == "access_denied"


def test_a_repeated_parameter_is_refused(browser: httpx.Client) -> None:
    params = [*AuthorizeRequest().params().items(), ("state", "second")]
    response = browser.get("/authorize?" + urlencode(params))
    assert json_error(response)["error"] == "invalid_request"


def test_the_login_page_cannot_be_framed_or_cached(browser: httpx.Client) -> None:
    page = browser.get("/authorize", params=AuthorizeRequest().params())
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert "<script" not in page.text
    assert "development identity provider" in page.text
    assert "alice" in page.text and "bob" in page.text


def test_a_tampered_hidden_authorize_field_is_validated_again(browser: httpx.Client) -> None:
    page = browser.get("/authorize", params=AuthorizeRequest().params())
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    evil = AuthorizeRequest(redirect_uri="https://evil.example/cb")
    answer = browser.post(
        "/login",
        data={
            "csrf": csrf.group(1),
            "authorize": urlencode(evil.params()),
            "username": "alice",
            "password": "alice",
        },
    )
    assert answer.status_code == 400
    assert "location" not in answer.headers
    assert "devidp_session" not in browser.cookies
