"""The 401 challenge of ``/mcp`` and ``/sse``, worded per RFC 6750 section 3.1.

The SDK's ``RequireAuthMiddleware`` answers every unauthenticated request with
``error="invalid_token"``. RFC 6750 says a request that carried no credentials at all
SHOULD get a challenge without an error code (the client simply has to authenticate),
and keeps ``invalid_token`` for a token that was sent and refused. Clients such as
mcp-remote use the difference to decide between "start the OAuth flow" and "refresh".
"""

from __future__ import annotations

from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser, RequireAuthMiddleware
from starlette.types import Receive, Scope, Send

from mcp_server.guards import bearer_challenge, send_json


class BearerChallenge(RequireAuthMiddleware):
    """``RequireAuthMiddleware`` with the RFC 6750 challenge for requests without a token."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not isinstance(scope.get("user"), AuthenticatedUser) and not _has_authorization(scope):
            await _send_missing_token(send, str(self.resource_metadata_url))
            return
        await super().__call__(scope, receive, send)


def _has_authorization(scope: Scope) -> bool:
    return any(name.lower() == b"authorization" for name, _ in scope.get("headers", []))


async def _send_missing_token(send: Send, resource_metadata_url: str) -> None:
    await send_json(
        send,
        401,
        {"error": "missing_token", "error_description": "Authentication required"},
        [("WWW-Authenticate", bearer_challenge(resource_metadata_url))],
    )
