"""``/authorize``: the SDK's ``AuthorizationHandler`` with two things it lacks.

1. When the client or its redirect URI cannot be trusted the SDK answers JSON; a
   person is looking at that, so it becomes an HTML error page (still no redirect
   to the unverified URI).
2. RFC 9207: every redirect back to the client carries ``iss``, including the
   error redirects the SDK builds itself (invalid scope, missing or ``plain`` PKCE).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from mcp.server.auth.handlers.authorize import AuthorizationHandler
from mcp.server.auth.provider import OAuthAuthorizationServerProvider
from starlette.requests import Request
from starlette.responses import Response

from mcp_server.auth.errors import error_page
from mcp_server.auth.resource import ServerIdentity


class AuthorizeEndpoint:
    def __init__(self, provider: OAuthAuthorizationServerProvider, server: ServerIdentity) -> None:  # type: ignore[type-arg]
        self._sdk = AuthorizationHandler(provider)
        self._server = server
        self._consent = server.url("/consent")

    async def handle(self, request: Request) -> Response:
        response = await self._sdk.handle(request)
        if response.status_code == 400:
            return error_page(
                400, "This authorization request cannot be used", _description(response)
            )
        location = response.headers.get("location")
        if (
            response.status_code in {302, 303}
            and location
            and not location.startswith(self._consent + "?")
        ):
            response.headers["location"] = _with_iss(location, self._server.issuer)
        return response


def _description(response: Response) -> str:
    try:
        body = json.loads(bytes(response.body))
    except ValueError:
        return "The request is malformed."
    text = body.get("error_description") or body.get("error") or "The request is malformed."
    return str(text)[:300]


def _with_iss(location: str, issuer: str) -> str:
    parts = urlsplit(location)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "iss"]
    query.append(("iss", issuer))
    return urlunsplit(parts._replace(query=urlencode(query)))
