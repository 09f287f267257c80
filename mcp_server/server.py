"""The MCP server and its two transports, behind bearer authentication.

Streamable HTTP at ``/mcp`` (stateless, JSON responses: any replica can answer
any request, and nothing streams that needs SSE) and legacy SSE at ``/sse`` with
its message endpoint ``/messages/``. Both are assembled here from the SDK's parts
rather than with ``FastMCP.streamable_http_app()``/``sse_app()``, because those
build their own auth stack and PRM route; this keeps one PRM at the root (its
``resource`` covers both paths) and lets the tool-call gate sit between the
bearer check and the transport.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio
from mcp.server.auth.middleware.auth_context import AuthContextMiddleware
from mcp.server.auth.middleware.bearer_auth import BearerAuthBackend
from mcp.server.auth.provider import TokenVerifier
from mcp.server.fastmcp.server import StreamableHTTPASGIApp
from mcp.server.sse import SseServerTransport
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import DEFAULT_MAX_REQUEST_BODY_SIZE, TransportSecuritySettings
from pydantic import AnyHttpUrl
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mcp_server.challenge import BearerChallenge
from mcp_server.grants.access import GrantAccess
from mcp_server.guards import ToolCallGate
from mcp_server.tools import BatonMCP, ToolDeps, register_tools

SERVER_VERSION = "0.1.0"
INSTRUCTIONS = (
    "Baton's tools act as the signed-in user on their todos and billing. "
    "Only the tools the user's permissions allow are listed."
)


class _ClosedStreamNoise(logging.Filter):
    """Drops the SDK's ERROR traceback logged when a client closes a stream it opened.

    A client hanging up is normal; anyio's ``ClosedResourceError`` there says nothing
    an operator can act on (STACK.md 8).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, anyio.ClosedResourceError | anyio.BrokenResourceError)


def quiet_closed_stream_errors() -> None:
    for name in ("mcp.server.streamable_http", "mcp.server.sse"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _ClosedStreamNoise) for f in logger.filters):
            logger.addFilter(_ClosedStreamNoise())


def build_mcp(deps: ToolDeps) -> BatonMCP:
    mcp = BatonMCP(name="baton", instructions=INSTRUCTIONS, log_level="WARNING")
    # With a version set, the SDK skips importlib.metadata on every initialize (STACK.md 8).
    mcp._mcp_server.version = SERVER_VERSION
    register_tools(mcp, deps)
    return mcp


@dataclass
class Transports:
    routes: list[BaseRoute]
    session_manager: StreamableHTTPSessionManager

    @asynccontextmanager
    async def run(self) -> AsyncIterator[None]:
        """Mounted apps' lifespans do not run: the parent app enters this."""
        async with self.session_manager.run():
            yield


def build_transports(
    mcp: BatonMCP,
    *,
    verifier: TokenVerifier,
    resource: str,
    resource_metadata_url: str,
    grants: GrantAccess,
    allowed_hosts: list[str],
    allowed_origins: list[str],
) -> Transports:
    quiet_closed_stream_errors()
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=allowed_hosts,
        allowed_origins=allowed_origins,
    )
    manager = StreamableHTTPSessionManager(
        app=mcp._mcp_server,
        json_response=True,
        stateless=True,
        security_settings=security,
    )
    sse = SseServerTransport("/messages/", security_settings=security)
    lowlevel = mcp._mcp_server

    async def handle_sse(scope: Scope, receive: Receive, send: Send) -> None:
        async with sse.connect_sse(scope, receive, send) as (read, write):
            await lowlevel.run(read, write, lowlevel.create_initialization_options())

    def protect(app: ASGIApp) -> ASGIApp:
        gated = ToolCallGate(
            app,
            grants=grants,
            resource_metadata_url=resource_metadata_url,
            max_body=DEFAULT_MAX_REQUEST_BODY_SIZE,
        )
        required = BearerChallenge(gated, [], AnyHttpUrl(resource_metadata_url))
        return AuthenticationMiddleware(
            AuthContextMiddleware(required),
            backend=BearerAuthBackend(verifier, resource_server_url=AnyHttpUrl(resource)),
            on_error=_auth_error,
        )

    routes: list[BaseRoute] = [
        Route(
            "/mcp",
            endpoint=protect(StreamableHTTPASGIApp(manager)),
            methods=["GET", "POST", "DELETE"],
        ),
        Route("/sse", endpoint=protect(handle_sse), methods=["GET"]),
        Mount("/messages/", app=protect(sse.handle_post_message)),
    ]
    return Transports(routes=routes, session_manager=manager)


def _auth_error(_: Any, exc: Exception) -> Response:
    return Response(status_code=400)


async def healthz(_: Request) -> Response:
    return Response('{"status":"ok"}', media_type="application/json")
