"""``/token``: routes each grant type to its handler, after checks the SDK does not make.

``authorization_code`` and ``refresh_token`` go to the SDK's ``TokenHandler``;
RFC 8693 token exchange goes to ``mcp_server.auth.exchange``. Before that this
endpoint insists on a form body, answers unknown grant types with
``unsupported_grant_type``, refuses a ``resource`` that does not name this server
(RFC 8707 ``invalid_target``), and turns a failed client authentication into
RFC 6749's ``invalid_client`` (401) instead of the SDK's ``unauthorized_client``.
"""

from __future__ import annotations

from mcp.server.auth.handlers.token import TokenHandler
from mcp.server.auth.middleware.client_auth import AuthenticationError
from mcp.server.auth.provider import OAuthAuthorizationServerProvider
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from mcp_server.auth.client_auth import BatonClientAuthenticator, basic_credentials
from mcp_server.auth.errors import oauth_error
from mcp_server.auth.exchange import TokenExchangeHandler
from mcp_server.auth.registry import TOKEN_EXCHANGE
from mcp_server.auth.resource import ServerIdentity

SDK_GRANTS = frozenset({"authorization_code", "refresh_token"})
MAX_FIELDS = 30


async def read_form(request: Request) -> Response | None:
    """Parse the urlencoded body once (cached on the request); an error response if unusable.

    When the client authenticates with HTTP Basic only, its id is copied into the
    form: the SDK's request models require a ``client_id`` field.
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return oauth_error("invalid_request", "the body must be application/x-www-form-urlencoded")
    try:
        form = await request.form(max_files=0, max_fields=MAX_FIELDS)
        basic = basic_credentials(request)
    except AuthenticationError as exc:
        return oauth_error("invalid_client", exc.message, status=401, headers=_basic_challenge())
    except Exception:  # a malformed body is the client's mistake: 400, never 500
        return oauth_error("invalid_request", "the form body could not be parsed")
    if any(len(form.getlist(k)) > 1 for k in form.keys()):  # noqa: SIM118
        # RFC 6749 3.2: request parameters MUST NOT be included more than once.
        return oauth_error("invalid_request", "a parameter was repeated")
    if basic and not form.get("client_id"):
        request._form = FormData([*form.multi_items(), ("client_id", basic[0])])
    return None


def _basic_challenge() -> dict[str, str]:
    return {"WWW-Authenticate": 'Basic realm="baton"'}


class TokenEndpoint:
    def __init__(
        self,
        provider: OAuthAuthorizationServerProvider,  # type: ignore[type-arg]
        authenticator: BatonClientAuthenticator,
        exchange: TokenExchangeHandler,
        server: ServerIdentity,
    ) -> None:
        self._authenticator = authenticator
        self._sdk = TokenHandler(provider, authenticator)
        self._exchange = exchange
        self._server = server

    async def handle(self, request: Request) -> Response:
        problem = await read_form(request)
        if problem is not None:
            return problem
        form = await request.form()
        grant_type = form.get("grant_type")
        resource = form.get("resource")
        if resource is not None and not self._server.names_this_resource(str(resource)):
            return oauth_error("invalid_target", "resource does not name this MCP server")
        if not isinstance(grant_type, str) or not grant_type:
            return oauth_error("invalid_request", "grant_type is required")
        if grant_type != TOKEN_EXCHANGE and grant_type not in SDK_GRANTS:
            return oauth_error(
                "unsupported_grant_type", "this server does not issue tokens for that grant type"
            )
        try:
            client = await self._authenticator.authenticate_request(request)
        except AuthenticationError as exc:
            headers = _basic_challenge() if basic_credentials(request) else None
            return oauth_error("invalid_client", exc.message, status=401, headers=headers)
        if grant_type not in client.grant_types:
            return oauth_error("unauthorized_client", "this client may not use that grant type")
        if grant_type == TOKEN_EXCHANGE:
            return await self._exchange.handle(client, form)
        return await self._sdk.handle(request)
