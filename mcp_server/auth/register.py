"""``/register`` (RFC 7591): the SDK's ``RegistrationHandler`` with a sturdier front.

The SDK handler lets a body that is not JSON escape as a 500 and sends the new
client secret without ``Cache-Control: no-store``; this wrapper answers the first
with ``invalid_client_metadata`` and adds the header. Redirect URI policy (https,
loopback http, private-use schemes) is in ``BatonProvider.register_client``.
"""

from __future__ import annotations

import json

from mcp.server.auth.handlers.register import RegistrationHandler
from mcp.server.auth.provider import OAuthAuthorizationServerProvider
from mcp.server.auth.settings import ClientRegistrationOptions
from starlette.requests import Request
from starlette.responses import Response

from mcp_server.auth.errors import NO_STORE, oauth_error


class RegisterEndpoint:
    def __init__(self, provider: OAuthAuthorizationServerProvider) -> None:  # type: ignore[type-arg]
        self._sdk = RegistrationHandler(provider, ClientRegistrationOptions(enabled=True))

    async def handle(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            return oauth_error("invalid_client_metadata", "the body must be a JSON object")
        if not isinstance(body, dict):
            return oauth_error("invalid_client_metadata", "the body must be a JSON object")
        response = await self._sdk.handle(request)
        response.headers.update(NO_STORE)
        return response
