"""Server-side sessions: encrypted at rest, refreshed before expiry (single-flight), ended
cleanly when the issuer refuses a refresh."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.crypto import TokenCipher
from api.sessions import SessionTokens, SqliteSessionStore
from api.settings import FrontendSettings
from tests.api.support import (
    RunningFrontend,
    ScriptedRunner,
    csrf_of,
    frontend_settings,
    login,
    parse_sse,
    running_frontend,
)
from tests.support.devidp import RunningDevIdP, running_devidp


def stored_tokens(settings: FrontendSettings, session_id: str) -> SessionTokens | None:
    async def read() -> SessionTokens | None:
        store = await _open(settings)
        try:
            session = await store.get(session_id)
            return session.tokens if session else None
        finally:
            await store.close()

    return asyncio.run(read())


def replace_tokens(settings: FrontendSettings, session_id: str, tokens: SessionTokens) -> None:
    async def write() -> None:
        store = await _open(settings)
        try:
            await store.update_tokens(session_id, tokens)
        finally:
            await store.close()

    asyncio.run(write())


async def _open(settings: FrontendSettings) -> SqliteSessionStore:
    return await SqliteSessionStore.open(
        settings.sessions_path,
        TokenCipher(settings.session_secret.get_secret_value()),
        idle_ttl=settings.session_ttl,
        absolute_ttl=settings.session_absolute_ttl,
    )


@pytest.fixture
def short_lived(
    tmp_path: Path, frontend_port: int
) -> Iterator[tuple[RunningDevIdP, RunningFrontend]]:
    """Access tokens live 30 s, the front end refreshes 60 s ahead: every request refreshes."""
    with running_devidp(
        tmp_path / "idp",
        FRONTEND_PUBLIC_URL=f"http://127.0.0.1:{frontend_port}",
        DEVIDP_ACCESS_TOKEN_TTL=30,
    ) as idp:
        settings = frontend_settings(
            tmp_path / "fe", port=frontend_port, issuer_url=idp.url, SESSION_REFRESH_MARGIN=60
        )
        with running_frontend(settings, ScriptedRunner()) as frontend:
            yield idp, frontend


def test_tokens_are_refreshed_before_expiry_and_chat_uses_the_new_one(
    short_lived: tuple[RunningDevIdP, RunningFrontend], browser_http: httpx.Client
) -> None:
    _, frontend = short_lived
    login(browser_http, frontend.url, "alice")
    session_id = browser_http.cookies["baton_session"]
    before = stored_tokens(frontend.settings, session_id)
    assert before is not None

    csrf = csrf_of(browser_http, frontend.url)  # a request: refresh is due
    after = stored_tokens(frontend.settings, session_id)
    chat = browser_http.post(
        frontend.url + "/api/chat", json={"message": "hi"}, headers={"X-CSRF-Token": csrf}
    )

    assert after is not None
    assert after.access_token != before.access_token
    assert after.refresh_token != before.refresh_token  # the provider rotates them
    assert chat.status_code == 200 and parse_sse(chat.text)[-1][0] == "final"
    used = frontend.runner.calls[-1]["access_token"]
    assert used != before.access_token
    assert used == stored_tokens(frontend.settings, session_id).access_token  # type: ignore[union-attr]


async def test_concurrent_requests_refresh_once_and_all_succeed(
    short_lived: tuple[RunningDevIdP, RunningFrontend], browser_http: httpx.Client
) -> None:
    _, frontend = short_lived
    await asyncio.to_thread(login, browser_http, frontend.url, "alice")
    cookies = {"baton_session": browser_http.cookies["baton_session"]}

    async with httpx.AsyncClient(cookies=cookies, timeout=20) as client:
        answers = await asyncio.gather(*(client.get(frontend.url + "/api/me") for _ in range(12)))

    # With rotating refresh tokens, a second concurrent refresh would replay a used
    # token and end the session; single-flight keeps every request signed in.
    assert [a.status_code for a in answers] == [200] * 12
    assert (await asyncio.to_thread(browser_http.get, frontend.url + "/api/me")).status_code == 200


def test_a_refused_refresh_ends_the_session_cleanly(
    short_lived: tuple[RunningDevIdP, RunningFrontend], browser_http: httpx.Client
) -> None:
    _, frontend = short_lived
    login(browser_http, frontend.url, "alice")
    session_id = browser_http.cookies["baton_session"]
    current = stored_tokens(frontend.settings, session_id)
    assert current is not None
    replace_tokens(
        frontend.settings,
        session_id,
        SessionTokens(access_token=current.access_token, expires_at=0, refresh_token="revoked"),
    )

    api = browser_http.get(frontend.url + "/api/me")
    page = browser_http.get(frontend.url + "/")

    assert api.status_code == 401
    assert api.headers["www-authenticate"].startswith("Bearer")
    assert page.status_code == 200 and 'href="/auth/login"' in page.text
    assert stored_tokens(frontend.settings, session_id) is None


def test_tokens_are_encrypted_and_session_ids_hashed_at_rest(
    frontend: RunningFrontend, browser_http: httpx.Client
) -> None:
    login(browser_http, frontend.url, "alice")
    session_id = browser_http.cookies["baton_session"]
    tokens = stored_tokens(frontend.settings, session_id)
    assert tokens is not None and tokens.refresh_token

    with sqlite3.connect(frontend.settings.sessions_path) as db:
        dump = "\n".join(db.iterdump()).encode()
    raw = frontend.settings.sessions_path.read_bytes() + dump

    assert tokens.access_token.encode() not in raw
    assert tokens.refresh_token.encode() not in raw
    assert session_id.encode() not in raw


def test_tokens_never_appear_in_reprs() -> None:
    tokens = SessionTokens(access_token="secret-a", expires_at=1, refresh_token="secret-r")

    assert "secret" not in repr(tokens)


def test_an_unreachable_issuer_keeps_a_still_valid_session_until_its_token_expires(
    tmp_path: Path, frontend_port: int, browser_http: httpx.Client
) -> None:
    idp = running_devidp(
        tmp_path / "idp",
        FRONTEND_PUBLIC_URL=f"http://127.0.0.1:{frontend_port}",
        DEVIDP_ACCESS_TOKEN_TTL=30,
    )
    with idp as provider:
        settings = frontend_settings(
            tmp_path / "fe", port=frontend_port, issuer_url=provider.url, SESSION_REFRESH_MARGIN=60
        )
        with running_frontend(settings, ScriptedRunner()) as frontend:
            login(browser_http, frontend.url, "alice")
            session_id = browser_http.cookies["baton_session"]
            provider.server.stop()  # the issuer goes away; refreshes now fail in transit

            still_valid = browser_http.get(frontend.url + "/api/me")
            current = stored_tokens(frontend.settings, session_id)
            assert current is not None
            replace_tokens(
                frontend.settings,
                session_id,
                SessionTokens(
                    access_token=current.access_token,
                    expires_at=0,
                    refresh_token=current.refresh_token,
                ),
            )
            expired = browser_http.get(frontend.url + "/api/me")

    assert still_valid.status_code == 200
    assert expired.status_code == 401


async def test_two_replicas_sharing_redis_refresh_a_session_once_between_them(
    tmp_path: Path, frontend_port: int, browser_http: httpx.Client
) -> None:
    from tests.support.redis_server import REDIS_SERVER, running_redis
    from tests.support.servers import free_port

    if not REDIS_SERVER:
        pytest.skip("redis-server is not installed")
    public = f"http://127.0.0.1:{frontend_port}"
    with (
        running_redis(tmp_path / "redis") as redis_url,
        running_devidp(
            tmp_path / "idp", FRONTEND_PUBLIC_URL=public, DEVIDP_ACCESS_TOKEN_TTL=30
        ) as idp,
    ):
        common: dict[str, Any] = {
            "issuer_url": idp.url,
            "REDIS_URL": redis_url,
            "SESSION_REFRESH_MARGIN": 60,
        }
        first = frontend_settings(tmp_path / "a", port=frontend_port, **common)
        # Behind a load balancer both replicas answer for the same public URL.
        second = frontend_settings(
            tmp_path / "b", port=free_port(), FRONTEND_PUBLIC_URL=public, **common
        )
        with (
            running_frontend(first, ScriptedRunner()) as a,
            running_frontend(second, ScriptedRunner()) as b,
        ):
            await asyncio.to_thread(login, browser_http, a.url, "alice")
            cookies = {"baton_session": browser_http.cookies["baton_session"]}
            async with httpx.AsyncClient(cookies=cookies, timeout=30) as client:
                answers = await asyncio.gather(
                    *(client.get(url + "/api/me") for url in [a.url, b.url] * 8)
                )
                after = await client.get(b.url + "/api/me")

    assert [r.status_code for r in answers] == [200] * 16
    assert after.status_code == 200
    assert not (tmp_path / "a" / "frontend" / "sessions.sqlite").exists()
