"""The front end's app factory: ``create_app(settings=None)``; nothing is built at import.

Tests pass their own ``runner`` (a scripted fake of ``ChatRunner``) and settings;
``python -m api`` builds everything from the environment.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from api.crypto import derive_key
from api.errors import install_error_handlers
from api.middleware import BodyLimit, SecurityHeaders
from api.routes import auth, chat, health, me, pages, threads
from api.runner import ChatRunner
from api.services import open_services
from api.sessions import SessionStore
from api.settings import FrontendSettings
from api.templating import STATIC_DIR
from api.threadstore import ThreadStore

if TYPE_CHECKING:
    from graph.settings import GraphSettings

LOGIN_STATE_MAX_AGE = 600


def create_app(
    settings: FrontendSettings | None = None,
    *,
    runner: ChatRunner | None = None,
    graph_settings: GraphSettings | None = None,
    session_store: SessionStore | None = None,
    thread_store: ThreadStore | None = None,
) -> FastAPI:
    """Build the front end. Without ``runner`` the real graph runs (``graph_settings``
    or ``GraphSettings()`` from the environment)."""
    settings = settings or FrontendSettings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_services(
            settings,
            runner=runner,
            graph_settings=graph_settings,
            session_store=session_store,
            thread_store=thread_store,
        ) as services:
            app.state.services = services
            yield

    app = FastAPI(
        title="Baton front end",
        summary="Sign in, chat with the planner/worker/critic graph, manage your threads.",
        version="0.1.0",
        lifespan=lifespan,
        # Swagger UI and ReDoc load scripts from a CDN and inline, which the CSP
        # (default-src 'self') forbids; the document itself is at /openapi.json.
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)
    for router in (pages.router, auth.router, me.router, chat.router, threads.router):
        app.include_router(router)
    app.include_router(health.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # Innermost first: the login-state cookie, then the body limit, then security headers.
    app.add_middleware(
        SessionMiddleware,
        secret_key=derive_key(
            settings.session_secret.get_secret_value(), "baton/login-state/v1"
        ).hex(),
        session_cookie=settings.login_cookie_name,
        max_age=LOGIN_STATE_MAX_AGE,
        path="/",
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    # A message of N characters is at most 6N bytes of JSON (\\uXXXX escapes) plus a little.
    app.add_middleware(
        BodyLimit, max_bytes=max(64 * 1024, settings.chat_max_message_chars * 6 + 1024)
    )
    app.add_middleware(
        SecurityHeaders, form_actions=_origin(settings.issuer), hsts=settings.secure_cookies
    )
    _document_session_cookie(app, settings)
    return app


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _document_session_cookie(app: FastAPI, settings: FrontendSettings) -> None:
    """The cookie's name depends on the environment; make the OpenAPI document say so."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            schemes = schema.get("components", {}).get("securitySchemes", {})
            if "session" in schemes:
                schemes["session"]["name"] = settings.session_cookie_name
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


__all__ = ["create_app"]
