"""Garbage in, clear 4xx out: no route answers 500, every error is problem+json, and
the security headers are on every response."""

from __future__ import annotations

import itertools

import httpx
import pytest

from tests.api.support import RunningFrontend, csrf_of, login
from tests.support.devidp import RunningDevIdP, password_token

PATHS = [
    "/",
    "/auth/login",
    "/auth/callback",
    "/auth/logout",
    "/api/me",
    "/api/chat",
    "/api/threads",
    "/api/threads/00000000-0000-4000-8000-000000000000",
    "/api/threads/%00",
    "/api/threads/" + "x" * 3000,
    "/api/threads/..%2F..%2Fetc%2Fpasswd",
    "/healthz",
    "/readyz",
    "/static/../api/settings.py",
    "/static/%2e%2e/api/settings.py",
    "/nope",
]
BODIES: list[tuple[bytes, str]] = [
    (b"", "application/json"),
    (b"{", "application/json"),
    (b"\x00\xff" * 100, "application/octet-stream"),
    (b'{"message": "' + "é".encode() * 50 + b'"}', "application/json"),
    (b"--x\r\nContent-Disposition: form-data\r\n\r\n", "multipart/form-data; boundary=x"),
    (b"csrf_token=%ZZ&&==", "application/x-www-form-urlencoded"),
    (b"[" * 5000 + b"]" * 5000, "application/json"),
]


@pytest.mark.parametrize("auth", ["none", "bearer", "session"])
def test_no_route_answers_500_to_garbage(
    frontend: RunningFrontend, idp: RunningDevIdP, browser_http: httpx.Client, auth: str
) -> None:
    headers: dict[str, str] = {}
    if auth == "bearer":
        headers["Authorization"] = "Bearer " + password_token(idp.url, "alice")["access_token"]
    elif auth == "session":
        login(browser_http, frontend.url, "alice")
        headers["X-CSRF-Token"] = csrf_of(browser_http, frontend.url)
    failures = []
    for path, method, (body, content_type) in itertools.product(
        PATHS, ["GET", "POST", "DELETE", "PUT", "PATCH"], BODIES
    ):
        answer = browser_http.request(
            method,
            frontend.url + path,
            content=body if method != "GET" else None,
            headers={**headers, "Content-Type": content_type},
        )
        if answer.status_code >= 500 and not (path == "/readyz" and answer.status_code == 503):
            failures.append((method, path, body[:20], answer.status_code, answer.text[:200]))
        if answer.status_code >= 400 and not path.startswith("/auth/callback"):
            assert answer.headers["content-type"].startswith("application/problem+json"), (
                method,
                path,
                answer.headers["content-type"],
            )
    assert failures == []


def test_unknown_routes_and_methods_are_problem_json(frontend: RunningFrontend) -> None:
    missing = httpx.get(frontend.url + "/nope")
    wrong_method = httpx.put(frontend.url + "/api/chat")

    assert missing.status_code == 404 and missing.json()["status"] == 404
    assert wrong_method.status_code == 405 and wrong_method.json()["title"]


@pytest.mark.parametrize(
    "cookie",
    ["", "x", "x" * 5000, "é", "../../", "a;b", "eyJhbGciOiJub25lIn0.e30."],
)
def test_forged_session_cookies_are_simply_signed_out(
    frontend: RunningFrontend, cookie: str
) -> None:
    raw = {b"Cookie": b"baton_session=" + cookie.encode()}  # bytes: even non-ASCII goes out
    api = httpx.get(frontend.url + "/api/me", headers=raw)
    page = httpx.get(frontend.url + "/", headers=raw)

    assert api.status_code == 401
    assert page.status_code == 200 and 'href="/auth/login"' in page.text


def test_deleting_a_thread_with_the_cookie_needs_the_csrf_header(
    frontend: RunningFrontend, browser_http: httpx.Client
) -> None:
    login(browser_http, frontend.url, "alice")
    csrf = csrf_of(browser_http, frontend.url)
    chat = browser_http.post(
        frontend.url + "/api/chat",
        json={"message": "hi"},
        headers={"X-CSRF-Token": csrf, "Accept": "application/json"},
    )
    thread_url = f"{frontend.url}/api/threads/{chat.json()['thread_id']}"

    assert browser_http.delete(thread_url).status_code == 403
    assert browser_http.delete(thread_url, headers={"X-CSRF-Token": "nope"}).status_code == 403
    assert browser_http.delete(thread_url, headers={"X-CSRF-Token": csrf}).status_code == 204


def test_pages_and_api_carry_the_security_headers(
    frontend: RunningFrontend, browser_http: httpx.Client
) -> None:
    login(browser_http, frontend.url, "alice")
    for path in ("/", "/api/me", "/nope", "/static/app.js"):
        headers = browser_http.get(frontend.url + path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_the_page_has_no_inline_script_or_style(
    frontend: RunningFrontend, browser_http: httpx.Client
) -> None:
    page = login(browser_http, frontend.url, "alice").text

    assert "<script>" not in page and "<style" not in page and " style=" not in page
    assert " onclick=" not in page.lower()
    assert '<script src="' in page


def test_login_state_cookie_is_short_lived_and_httponly(
    frontend: RunningFrontend, browser_http: httpx.Client
) -> None:
    answer = browser_http.get(frontend.url + "/auth/login")

    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("baton_login="))
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in attributes and "samesite=lax" in attributes
    assert "max-age=600" in attributes


def test_readyz_names_what_is_down(frontend: RunningFrontend) -> None:
    answer = httpx.get(frontend.url + "/readyz")

    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("application/problem+json")
    checks = {c["name"]: c for c in answer.json()["checks"]}
    assert checks["issuer"]["ok"] is True
    assert checks["mcp_server"]["ok"] is False and checks["todos_api"]["ok"] is False
    assert "mcp_server" in answer.json()["detail"] and "todos_api" in answer.json()["detail"]


def test_healthz_is_always_ok(frontend: RunningFrontend) -> None:
    assert httpx.get(frontend.url + "/healthz").json() == {"status": "ok"}


def test_openapi_documents_security_errors_and_the_event_stream(
    frontend: RunningFrontend,
) -> None:
    doc = httpx.get(frontend.url + "/openapi.json").json()

    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearer"]["scheme"] == "bearer"
    assert schemes["session"]["in"] == "cookie" and schemes["session"]["name"] == "baton_session"
    chat = doc["paths"]["/api/chat"]["post"]
    assert {"bearer"} in [set(s) for s in chat["security"]]
    assert "text/event-stream" in chat["responses"]["200"]["content"]
    assert "application/json" in chat["responses"]["200"]["content"]
    for status in ("401", "404", "413", "422"):
        assert "application/problem+json" in chat["responses"][status]["content"], status
    thread = doc["paths"]["/api/threads/{thread_id}"]
    assert "404" in thread["get"]["responses"] and "404" in thread["delete"]["responses"]
    assert "503" in doc["paths"]["/readyz"]["get"]["responses"]
    assert doc["paths"]["/api/me"]["get"]["responses"]["200"]["content"]["application/json"]
