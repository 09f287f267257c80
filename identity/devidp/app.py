"""The dev identity provider's Starlette app: ``create_app(settings=None)``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from identity.devidp.endpoints.authorize import authorize, login
from identity.devidp.endpoints.common import oauth_error
from identity.devidp.endpoints.discovery import healthz, jwks, openid_configuration
from identity.devidp.endpoints.logout import logout
from identity.devidp.endpoints.token import revoke, token
from identity.devidp.endpoints.userinfo import userinfo
from identity.devidp.provider import DevIdP
from identity.devidp.settings import DevIdPSettings

log = logging.getLogger("identity.devidp")


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 400
    error = {404: "not_found", 405: "invalid_request"}.get(status, "invalid_request")
    description = {404: "No such endpoint.", 405: "Method not allowed."}.get(
        status, "The request is invalid."
    )
    headers = getattr(exc, "headers", None) or {}
    return oauth_error(error, description, status, headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return oauth_error("server_error", "The server met an unexpected error.", 500)


def create_app(settings: DevIdPSettings | None = None) -> Starlette:
    """Build the provider; refuses outside ``NODE_ENV=development`` (``SettingsError``)."""
    settings = settings or DevIdPSettings()
    idp = DevIdP.from_settings(settings)
    # authlib logs issued tokens at DEBUG ("Issue token ..."); never let them reach a
    # log, whatever level the root logger is given later.
    authlib_log = logging.getLogger("authlib")
    if authlib_log.level < logging.INFO:
        authlib_log.setLevel(logging.INFO)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        users = ", ".join(user.username for user in idp.users.all())
        log.warning(
            "This is the Baton DEVELOPMENT identity provider, not for production: issuer %s, "
            "users %s",
            idp.issuer,
            users,
        )
        yield

    routes = [
        Route("/.well-known/openid-configuration", openid_configuration, methods=["GET"]),
        Route("/.well-known/jwks.json", jwks, methods=["GET"]),
        Route("/authorize", authorize, methods=["GET", "POST"]),
        Route("/login", login, methods=["POST"]),
        Route("/oauth/token", token, methods=["POST"]),
        Route("/oauth/revoke", revoke, methods=["POST"]),
        Route("/userinfo", userinfo, methods=["GET", "POST"]),
        Route("/v2/logout", logout, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.devidp = idp
    return app


__all__ = ["create_app"]
