"""Server-side sessions: encrypted at rest, refreshed before expiry (single-flight), ended
cleanly when the issuer refuses a refresh."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

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


async def test_sessions_expire_when_idle_and_at_their_absolute_lifetime(tmp_path: Path) -> None:
    now = [1000.0]
    store = await SqliteSessionStore.open(
        tmp_path / "s.sqlite",
        TokenCipher("k"),
        idle_ttl=100,
        absolute_ttl=300,
        clock=lambda: now[0],
    )
    tokens = SessionTokens(access_token="a", expires_at=5000)
    try:
        idle = await store.create(subject="u", name="U", email=None, tokens=tokens)
        active = await store.create(subject="u", name="U", email=None, tokens=tokens)
        for _ in range(3):  # keep one session busy every 90 s
            now[0] += 90
            assert await store.get(active.id) is not None
        assert await store.get(idle.id) is None  # idle for 270 s
        now[0] += 90  # 360 s after creation: past the 300 s absolute lifetime
        assert await store.get(active.id) is None
    finally:
        await store.close()


async def test_a_changed_session_secret_ends_old_sessions(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    first = await SqliteSessionStore.open(path, TokenCipher("one"), idle_ttl=100, absolute_ttl=100)
    session = await first.create(
        subject="u", name="U", email=None, tokens=SessionTokens(access_token="a", expires_at=9e9)
    )
    await first.close()
    second = await SqliteSessionStore.open(path, TokenCipher("two"), idle_ttl=100, absolute_ttl=100)
    try:
        assert await second.get(session.id) is None
    finally:
        await second.close()


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
