"""``/revoke`` (RFC 7009): the SDK's ``RevocationHandler`` behind Baton's client authentication.

The SDK answers a failed client authentication with ``unauthorized_client``;
RFC 7009 2.2.1 defers to RFC 6749 5.2, which says ``invalid_client`` (401). Its request model also demands
a ``client_secret`` field even from public clients, so an absent one is supplied
empty (Baton's authenticator reads an empty secret as none).
"""

from __future__ import annotations

from mcp.server.auth.handlers.revoke import RevocationHandler
from mcp.server.auth.middleware.client_auth import AuthenticationError
from mcp.server.auth.provider import OAuthAuthorizationServerProvider
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from mcp_server.auth.client_auth import BatonClientAuthenticator
from mcp_server.auth.errors import oauth_error
from mcp_server.auth.token import read_form


class RevokeEndpoint:
    def __init__(
        self, provider: OAuthAuthorizationServerProvider, authenticator: BatonClientAuthenticator
    ) -> None:  # type: ignore[type-arg]
        self._authenticator = authenticator
        self._sdk = RevocationHandler(provider, authenticator)

    async def handle(self, request: Request) -> Response:
        problem = await read_form(request)
        if problem is not None:
            return problem
        try:
            await self._authenticator.authenticate_request(request)
        except AuthenticationError as exc:
            return oauth_error("invalid_client", exc.message, status=401)
        form = await request.form()
        if "client_secret" not in form:
            request._form = FormData([*form.multi_items(), ("client_secret", "")])
        return await self._sdk.handle(request)
