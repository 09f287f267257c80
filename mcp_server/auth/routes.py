"""The authorization server's routes, wired in one place (cf. the SDK's ``create_auth_routes``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from mcp.server.auth.routes import cors_middleware
from mcp.server.transport_security import RequestBodyLimitMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, request_response
from starlette.types import ASGIApp

from mcp_server.auth.authorize import AuthorizeEndpoint
from mcp_server.auth.callback import CallbackEndpoint
from mcp_server.auth.consent import ConsentEndpoint
from mcp_server.auth.metadata import metadata_routes
from mcp_server.auth.provider import BatonProvider
from mcp_server.auth.register import RegisterEndpoint
from mcp_server.auth.resource import ServerIdentity
from mcp_server.auth.revoke import RevokeEndpoint
from mcp_server.auth.token import TokenEndpoint

MAX_BODY = 64 * 1024  # OAuth requests are small; refuse anything bigger before parsing

Handler = Callable[[Request], Awaitable[Response]]


def _limited(handler: Handler) -> ASGIApp:
    return RequestBodyLimitMiddleware(request_response(handler), MAX_BODY)


def _api(handler: Handler) -> ASGIApp:
    # Browser-based clients (MCP Inspector's UI) call these cross-origin.
    return RequestBodyLimitMiddleware(cors_middleware(handler, ["POST", "OPTIONS"]), MAX_BODY)


def auth_routes(
    *,
    server: ServerIdentity,
    provider: BatonProvider,
    authorize: AuthorizeEndpoint,
    consent: ConsentEndpoint,
    callback: CallbackEndpoint,
    token: TokenEndpoint,
    revoke: RevokeEndpoint,
) -> list[Route]:
    register = RegisterEndpoint(provider)
    return [
        *metadata_routes(server),
        Route("/authorize", endpoint=_limited(authorize.handle), methods=["GET", "POST"]),
        Route("/consent", endpoint=_limited(consent.handle), methods=["GET", "POST"]),
        Route("/callback", endpoint=_limited(callback.handle), methods=["GET"]),
        Route(
            "/token",
            endpoint=_api(token.handle),
            methods=["POST", "OPTIONS"],
        ),
        Route(
            "/register",
            endpoint=_api(register.handle),
            methods=["POST", "OPTIONS"],
        ),
        Route(
            "/revoke",
            endpoint=_api(revoke.handle),
            methods=["POST", "OPTIONS"],
        ),
    ]
