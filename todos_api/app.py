"""The Todos API app factory: ``create_app(settings)``.

The lifespan opens one shared ``httpx.AsyncClient`` (for OIDC discovery and JWKS),
the ``TokenVerifier`` and the store, and puts them on ``app.state``; routes reach
them through ``deps.get_verifier`` / ``deps.get_store`` so tests can override them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from identity.verify import TokenVerifier
from todos_api.handlers import install_error_handlers
from todos_api.headers import DefaultHeadersMiddleware
from todos_api.limits import BodyLimitMiddleware
from todos_api.models import TodoCreate
from todos_api.routes import billing_router, health_router, me_router, todos_router
from todos_api.settings import TodosApiSettings
from todos_api.store import open_store

# A todo is a 200-character title; nothing legitimate comes close to this.
MAX_BODY_BYTES = 16 * 1024
ISSUER_TIMEOUT = httpx.Timeout(5.0)


def create_app(settings: TodosApiSettings | None = None) -> FastAPI:
    """The ASGI app; ``settings`` default to the environment (``TodosApiSettings()``)."""
    settings = settings or TodosApiSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with (
            httpx.AsyncClient(timeout=ISSUER_TIMEOUT, follow_redirects=False) as http,
            open_store(settings) as store,
        ):
            app.state.verifier = TokenVerifier(settings.issuer, settings.auth0_audience, http)
            app.state.store = store
            yield

    app = FastAPI(
        title="Baton Todos API",
        summary="Each user's todos and billing, guarded by RFC 6750 bearer tokens.",
        version="1.0.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.add_middleware(BodyLimitMiddleware, max_bytes=MAX_BODY_BYTES)
    # Added last, so outermost: it also covers the body limit's own 413.
    app.add_middleware(DefaultHeadersMiddleware)
    install_error_handlers(app, retry_after=settings.retry_after_seconds)
    for router in (health_router, me_router, todos_router, billing_router):
        app.include_router(router, prefix="/api")
    _declare_schemas(app)
    return app


def _declare_schemas(app: FastAPI) -> None:
    """Adds ``TodoCreate`` to the OpenAPI components (its body is parsed by hand)."""
    original = app.openapi

    def openapi() -> dict[str, object]:
        if app.openapi_schema is None:
            schema = original()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["TodoCreate"] = TodoCreate.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


__all__ = ["create_app"]
