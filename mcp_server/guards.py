"""ASGI checks in front of the MCP transports.

``HostGuard``      every route: the Host header must name this server (DNS rebinding).
``ToolCallGate``   POSTs to /mcp and /messages/: peeks at JSON-RPC ``tools/call`` and
                   answers at the HTTP level what a tool result cannot say:
                   403 ``insufficient_scope`` for a tool the token may not use (the
                   SDK's ``RequireAuthMiddleware`` only knows global scopes), 401
                   ``invalid_token`` when the upstream ended the grant, 503 with
                   ``Retry-After`` when the upstream is briefly unreachable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from starlette.types import ASGIApp, Receive, Scope, Send

from identity import asgi
from mcp_server.auth.tokens import BatonAccessToken
from mcp_server.grants.access import GrantAccess, GrantRevoked, UpstreamTemporarilyUnavailable
from mcp_server.settings import TOOL_SCOPES
from mcp_server.tools import TOOL_SCOPE, tool_allowed


def bearer_challenge(resource_metadata_url: str, **params: str) -> str:
    parts = [f'{k}="{v}"' for k, v in params.items()]
    parts.append(f'resource_metadata="{resource_metadata_url}"')
    return "Bearer " + ", ".join(parts)


async def send_json(
    send: Send, status: int, body: dict[str, Any], headers: Iterable[tuple[str, str]] = ()
) -> None:
    """A JSON error answer; never cached, since it speaks about one token."""
    await asgi.send_json(send, status, body, [("cache-control", "no-store"), *headers])


class HostGuard:
    """Refuses (421) requests whose Host header is not one of this server's names."""

    def __init__(
        self, app: ASGIApp, allowed_hosts: Iterable[str], exempt_paths: Iterable[str] = ()
    ) -> None:
        self.app = app
        self._allowed = frozenset(h.lower() for h in allowed_hosts)
        self._exempt = frozenset(exempt_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"} and scope.get("path") not in self._exempt:
            host = ""
            for key, value in scope.get("headers", []):
                if key == b"host":
                    host = value.decode("latin-1").lower()
                    break
            if host not in self._allowed:
                await send_json(
                    send,
                    421,
                    {"error": "invalid_request", "error_description": "unknown Host header"},
                )
                return
        await self.app(scope, receive, send)


def tool_calls(body: bytes) -> list[str]:
    """Names of the tools a JSON-RPC message (or batch) calls; [] for anything else."""
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return []
    messages = message if isinstance(message, list) else [message]
    names = []
    for item in messages:
        if isinstance(item, dict) and item.get("method") == "tools/call":
            params = item.get("params")
            name = params.get("name") if isinstance(params, dict) else None
            names.append(name if isinstance(name, str) else "")
    return names


class ToolCallGate:
    """Scope and grant checks for ``tools/call`` before the MCP transport sees it."""

    def __init__(
        self, app: ASGIApp, *, grants: GrantAccess, resource_metadata_url: str, max_body: int
    ) -> None:
        self.app = app
        self._grants = grants
        self._prm = resource_metadata_url
        self._max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        try:
            body = await asgi.read_body(receive, self._max_body)
        except asgi.BodyTooLarge:
            await send_json(
                send,
                413,
                {"error": "invalid_request", "error_description": "request body too large"},
            )
            return
        if body is None:
            return  # the client left before finishing its body: nobody to answer
        user = scope.get("user")
        names = tool_calls(body)
        if (
            names
            and isinstance(user, AuthenticatedUser)
            and isinstance(user.access_token, BatonAccessToken)
        ):
            refused = await self._check(user.access_token, names, send)
            if refused:
                return
        await self.app(scope, asgi.replay_body(body, receive), send)

    async def _check(self, token: BatonAccessToken, names: list[str], send: Send) -> bool:
        scopes = frozenset(token.scopes)
        for name in names:
            if not tool_allowed(name, scopes):
                needed = TOOL_SCOPE[name] or ""
                # The scopes held plus the one missing: a client that re-authorizes with
                # exactly this set (the MCP SDK's step-up does) keeps the tools it had.
                wanted = [s for s in TOOL_SCOPES if s in scopes or s == needed]
                challenge = bearer_challenge(
                    self._prm,
                    error="insufficient_scope",
                    scope=" ".join(wanted),
                    error_description=f"the {name} tool needs {needed}",
                )
                await send_json(
                    send,
                    403,
                    {
                        "error": "insufficient_scope",
                        "error_description": f"the {name} tool needs {needed}",
                    },
                    [("WWW-Authenticate", challenge)],
                )
                return True
        try:
            await self._grants.upstream_token(token.grant_id)
        except GrantRevoked:
            challenge = bearer_challenge(
                self._prm, error="invalid_token", error_description="the authorization has ended"
            )
            await send_json(
                send,
                401,
                {"error": "invalid_token", "error_description": "the authorization has ended"},
                [("WWW-Authenticate", challenge)],
            )
            return True
        except UpstreamTemporarilyUnavailable as exc:
            await send_json(
                send,
                503,
                {
                    "error": "temporarily_unavailable",
                    "error_description": "the identity provider is unavailable; retry",
                },
                [("Retry-After", str(exc.retry_after))],
            )
            return True
        return False
