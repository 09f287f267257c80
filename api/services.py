"""Everything a request handler needs, opened once per app in its lifespan.

Tests hand in their own ``ChatRunner`` / stores; otherwise the SQLite stores under
``{BATON_DATA_DIR}/frontend/`` and the real graph runner (with its checkpointer) are
opened here and closed at shutdown.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from api.crypto import TokenCipher
from api.oidc import OidcClient
from api.runner import ChatRunner
from api.sessions import SessionStore, SqliteSessionStore
from api.settings import FrontendSettings
from api.threadstore import SqliteThreadStore, ThreadStore
from api.users import SessionManager
from identity.discovery import OIDCDiscovery
from identity.verify import TokenVerifier

if TYPE_CHECKING:
    from graph.settings import GraphSettings


@dataclass
class Services:
    settings: FrontendSettings
    http: httpx.AsyncClient
    discovery: OIDCDiscovery
    verifier: TokenVerifier
    oidc: OidcClient
    sessions: SessionManager
    threads: ThreadStore
    runner: ChatRunner
    # Threads with a run in progress in this process: a second message waits its turn (409).
    busy_threads: set[str] = field(default_factory=set)


@contextlib.asynccontextmanager
async def _graph_runner(graph_settings: GraphSettings | None) -> AsyncIterator[ChatRunner]:
    # Imported here so the front end's unit tests do not load the graph stack.
    from graph.persistence import open_checkpointer
    from graph.runner import GraphRunner
    from graph.settings import GraphSettings
    from graph.vault import default_vault

    settings = graph_settings or GraphSettings()
    async with open_checkpointer(settings) as checkpointer:
        runner = GraphRunner(settings, checkpointer=checkpointer, vault=default_vault())
        try:
            yield runner
        finally:
            await runner.aclose()


async def _open_session_store(settings: FrontendSettings) -> SessionStore:
    cipher = TokenCipher(settings.session_secret.get_secret_value())
    idle, absolute = settings.session_ttl, settings.session_absolute_ttl
    if settings.redis_url.strip():
        from api.sessions_redis import RedisSessionStore

        return RedisSessionStore.from_url(
            settings.redis_url.strip(), cipher, idle_ttl=idle, absolute_ttl=absolute
        )
    return await SqliteSessionStore.open(
        settings.sessions_path, cipher, idle_ttl=idle, absolute_ttl=absolute
    )


@contextlib.asynccontextmanager
async def open_services(
    settings: FrontendSettings,
    *,
    runner: ChatRunner | None = None,
    graph_settings: GraphSettings | None = None,
    session_store: SessionStore | None = None,
    thread_store: ThreadStore | None = None,
) -> AsyncIterator[Services]:
    async with contextlib.AsyncExitStack() as stack:
        http = await stack.enter_async_context(
            httpx.AsyncClient(timeout=httpx.Timeout(10.0), follow_redirects=False)
        )
        discovery = OIDCDiscovery(settings.issuer, http)
        verifier = TokenVerifier(
            settings.issuer, settings.auth0_audience, http, discovery=discovery
        )
        oidc = OidcClient(
            issuer=settings.issuer,
            client_id=settings.client_id,
            client_secret=settings.client_secret.get_secret_value(),
            scope=settings.scope,
            audience=settings.auth0_audience,
            use_resource_param=settings.use_resource_param,
            discovery=discovery,
            http=http,
        )
        if session_store is None:
            session_store = await _open_session_store(settings)
            stack.push_async_callback(session_store.close)
        if thread_store is None:
            thread_store = await SqliteThreadStore.open(settings.threads_path)
            stack.push_async_callback(thread_store.close)
        if runner is None:
            runner = await stack.enter_async_context(_graph_runner(graph_settings))
        yield Services(
            settings=settings,
            http=http,
            discovery=discovery,
            verifier=verifier,
            oidc=oidc,
            sessions=SessionManager(
                session_store, oidc, refresh_margin=settings.token_refresh_margin
            ),
            threads=thread_store,
            runner=runner,
        )


__all__ = ["Services", "open_services"]
