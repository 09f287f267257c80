"""Signing in and out through the dev identity provider, over real HTTP."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.api.support import RunningFrontend, csrf_of, login
from tests.support.devidp import RunningDevIdP, password_token


def test_login_through_the_provider_lands_on_the_chat_page_signed_in(
    frontend: RunningFrontend, browser_http: httpx.Client
) -> None:
    page = login(browser_http, frontend.url, "alice")

    assert page.status_code == 200
    assert str(page.url) == frontend.url + "/"
    assert 'id="user-name"' in page.text and "alice" in page.text.lower()
    assert 'action="/auth/logout"' in page.text
    me = browser_http.get(frontend.url + "/api/me").json()
    assert me["sub"] == "auth0|alice" and me["auth"] == "session"


def test_login_request_uses_pkce_s256_audience_and_offline_access(
    frontend: RunningFrontend, browser_http: httpx.Client
) -> None:
    answer = browser_http.get(frontend.url + "/auth/login")

    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["audience"] == ["urn:todos-api"]
    assert "offline_access" in query["scope"][0].split()
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == [frontend.url + "/auth/callback"]


def test_session_cookie_is_httponly_lax_and_carries_no_token(
    frontend: RunningFrontend, browser_http: httpx.Client, idp: RunningDevIdP
) -> None:
    page = browser_http.get(frontend.url + "/auth/login", follow_redirects=True)
    from tests.support.devidp import submit_login

    answer = submit_login(browser_http, page, "alice")
    callback = browser_http.get(answer.headers["location"])

    assert callback.status_code == 302
    set_cookies = callback.headers.get_list("set-cookie")
    session_cookie = next(c for c in set_cookies if c.startswith("baton_session="))
    attributes = [part.strip().lower() for part in session_cookie.split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "path=/" in attributes
    value = session_cookie.split(";")[0].split("=", 1)[1]
    assert len(value) >= 40 and "." not in value  # opaque random id, not a JWT
    assert "eyJ" not in session_cookie  # no JOSE material anywhere in the cookie


def test_secure_host_prefixed_cookie_outside_development(tmp_path) -> None:
    from api.settings import FrontendSettings

    settings = FrontendSettings(
        _env_file=None,
        NODE_ENV="production",
        AUTH0_DOMAIN="tenant.example.com",
        FRONTEND_CLIENT_SECRET="real-secret",
        FRONTEND_SESSION_SECRET="real-session-secret",
        BATON_DATA_DIR=str(tmp_path),
    )

    assert settings.secure_cookies
    assert settings.session_cookie_name == "__Host-baton_session"


def test_production_refuses_the_dev_session_secret(tmp_path) -> None:
    from api.settings import FrontendSettings
    from identity.config import SettingsError

    with pytest.raises((SettingsError, ValueError), match="FRONTEND_SESSION_SECRET"):
        FrontendSettings(
            _env_file=None,
            NODE_ENV="production",
            AUTH0_DOMAIN="tenant.example.com",
            FRONTEND_CLIENT_SECRET="real-secret",
            BATON_DATA_DIR=str(tmp_path),
        )


def test_login_returns_to_a_safe_relative_path(
    frontend: RunningFrontend, browser_http: httpx.Client
) -> None:
    page = login(browser_http, frontend.url, "alice", return_to="/healthz?from=login")

    assert str(page.url) == frontend.url + "/healthz?from=login"


@pytest.mark.parametrize(
    "payload",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "\\\\evil.example",
        "http:/evil.example",
        "/%0d%0aSet-Cookie:x=y",
        " //evil.example",
    ],
)
def test_return_to_cannot_redirect_off_site(
    frontend: RunningFrontend, browser_http: httpx.Client, payload: str
) -> None:
    page = login(browser_http, frontend.url, "alice", return_to=payload)

    landed = urlsplit(str(page.url))
    assert f"{landed.scheme}://{landed.netloc}" == frontend.url
    assert "evil" not in str(page.url)


def test_logout_ends_the_session_and_the_providers_session(
    frontend: RunningFrontend, browser_http: httpx.Client, idp: RunningDevIdP
) -> None:
    login(browser_http, frontend.url, "alice")
    csrf = csrf_of(browser_http, frontend.url)
    old_cookie = browser_http.cookies.get("baton_session")

    answer = browser_http.post(frontend.url + "/auth/logout", data={"csrf_token": csrf})

    assert answer.status_code == 303
    target = urlsplit(answer.headers["location"])
    assert f"{target.scheme}://{target.netloc}" == idp.url
    assert target.path == "/v2/logout"
    query = parse_qs(target.query)
    assert query["client_id"] == ["baton-web"] and query["returnTo"] == [frontend.url]
    assert browser_http.get(frontend.url + "/api/me").status_code == 401
    # The old cookie value is dead server-side, not merely forgotten by the client.
    replay = httpx.get(frontend.url + "/api/me", cookies={"baton_session": old_cookie or "x"})
    assert replay.status_code == 401
    # Following the provider's logout returns the browser to the front end.
    back = browser_http.get(answer.headers["location"], follow_redirects=True)
    assert back.status_code == 200 and 'href="/auth/login"' in back.text


def test_logout_without_the_csrf_token_is_refused(
    frontend: RunningFrontend, browser_http: httpx.Client
) -> None:
    login(browser_http, frontend.url, "alice")

    missing = browser_http.post(frontend.url + "/auth/logout")
    wrong = browser_http.post(frontend.url + "/auth/logout", data={"csrf_token": "guess"})

    for answer in (missing, wrong):
        assert answer.status_code == 403
        assert answer.headers["content-type"].startswith("application/problem+json")
    assert browser_http.get(frontend.url + "/api/me").status_code == 200


def test_callback_with_an_error_from_the_provider_shows_a_friendly_page(
    frontend: RunningFrontend, browser_http: httpx.Client
) -> None:
    browser_http.get(frontend.url + "/auth/login")  # starts a login: state cookie set
    page = browser_http.get(
        frontend.url + "/auth/callback",
        params={"error": "access_denied", "error_description": "<script>x</script>", "state": "s"},
        headers={"Accept": "text/html"},
    )

    assert page.status_code == 400
    assert "couldn't sign you in" in page.text
    assert "<script>x</script>" not in page.text


@pytest.mark.parametrize(
    "params",
    [{}, {"code": "abc"}, {"code": "abc", "state": "forged"}, {"state": "x" * 5000}],
)
def test_callback_with_missing_or_forged_state_is_a_json_400(
    frontend: RunningFrontend, browser_http: httpx.Client, params: dict[str, str]
) -> None:
    browser_http.get(frontend.url + "/auth/login")
    answer = browser_http.get(frontend.url + "/auth/callback", params=params)

    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["status"] == 400
    assert browser_http.get(frontend.url + "/api/me").status_code == 401


def test_bearer_access_token_reads_api_me(frontend: RunningFrontend, idp: RunningDevIdP) -> None:
    token = password_token(idp.url, "alice")["access_token"]

    me = httpx.get(frontend.url + "/api/me", headers={"Authorization": f"Bearer {token}"})

    assert me.status_code == 200
    assert me.json()["sub"] == "auth0|alice"
    assert me.json()["auth"] == "bearer" and me.json()["csrf_token"] is None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not-a-jwt",
        "Bearer a.b.c",
        "Basic YWxpY2U6YWxpY2U=",
        "Bearer",
        "Bearer " + "A" * 20000,
    ],
)
def test_bad_credentials_get_401_with_a_bearer_challenge(
    frontend: RunningFrontend, header: str
) -> None:
    answer = httpx.get(frontend.url + "/api/me", headers={"Authorization": header})

    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "A" * 100 not in answer.text


def test_token_for_another_audience_is_refused(
    frontend: RunningFrontend, idp: RunningDevIdP
) -> None:
    token = password_token(idp.url, "alice", audience=None)["access_token"]

    answer = httpx.get(frontend.url + "/api/me", headers={"Authorization": f"Bearer {token}"})

    assert answer.status_code == 401


def test_no_credentials_get_401(frontend: RunningFrontend) -> None:
    answer = httpx.get(frontend.url + "/api/me")

    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert answer.json()["detail"]


def test_production_refuses_a_plain_http_public_url(tmp_path) -> None:
    from api.settings import FrontendSettings

    with pytest.raises(ValueError, match="FRONTEND_PUBLIC_URL"):
        FrontendSettings(
            _env_file=None,
            NODE_ENV="production",
            AUTH0_DOMAIN="tenant.example.com",
            FRONTEND_CLIENT_SECRET="real-secret",
            FRONTEND_SESSION_SECRET="real-session-secret",
            FRONTEND_PUBLIC_URL="http://chat.example.com",
            BATON_DATA_DIR=str(tmp_path),
        )
