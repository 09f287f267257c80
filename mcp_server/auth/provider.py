"""Baton's ``OAuthAuthorizationServerProvider``: the contract the SDK's handlers call.

The SDK's handlers parse and validate requests (PKCE S256 only, redirect URI,
code expiry, verifier); this provider supplies clients, parks /authorize requests
for consent, and hands out and looks up codes and tokens. The consent page,
upstream login and callback live in their own modules; the callback mints the
code with ``issue_code``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from mcp.server.auth.provider import (
    AuthorizationCode,
    AuthorizationParams,
    AuthorizeError,
    RegistrationError,
    TokenError,
)
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

from mcp_server.auth.clients import redirect_uri_problem
from mcp_server.auth.registry import ClientRegistry
from mcp_server.auth.resource import ServerIdentity
from mcp_server.auth.tokens import BatonAccessToken, BatonRefreshToken, TokenIssuer
from mcp_server.crypto import new_token, token_hash
from mcp_server.grants.store import AuthorizationCodeRecord, Grant, GrantStore, PendingAuthorization

PENDING_TTL = 600.0  # the user has ten minutes for consent and the upstream login
CODE_TTL = 120.0


class BatonAuthorizationCode(AuthorizationCode):
    grant_id: str


class BatonProvider:
    """Implements ``mcp.server.auth.provider.OAuthAuthorizationServerProvider``."""

    def __init__(
        self,
        *,
        store: GrantStore,
        registry: ClientRegistry,
        issuer: TokenIssuer,
        server: ServerIdentity,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._registry = registry
        self._tokens = issuer
        self._server = server
        self._clock = clock

    # clients
    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        return await self._registry.get(client_id)

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        for uri in client_info.redirect_uris or []:
            problem = redirect_uri_problem(str(uri))
            if problem:
                raise RegistrationError("invalid_redirect_uri", problem)
        if client_info.token_endpoint_auth_method not in {
            "none",
            "client_secret_post",
            "client_secret_basic",
        }:
            raise RegistrationError(
                "invalid_client_metadata",
                "token_endpoint_auth_method must be none or client_secret_post",
            )
        if client_info.client_secret:
            # RFC 7591 3.2.1: 0 says the secret never expires. Registrations in use must
            # not lapse under their users; idle ones are purged instead (ClientRegistry).
            client_info.client_secret_expires_at = 0
        await self._registry.register(client_info)

    # /authorize: park the request and send the browser to the consent page
    async def authorize(
        self, client: OAuthClientInformationFull, params: AuthorizationParams
    ) -> str:
        if not self._server.names_this_resource(params.resource):
            raise AuthorizeError("invalid_request", "resource does not name this MCP server")
        request_id = new_token()
        now = self._clock()
        await self._store.save_pending(
            PendingAuthorization(
                id_hash=token_hash(request_id),
                client_id=str(client.client_id),
                redirect_uri=str(params.redirect_uri),
                redirect_uri_explicit=params.redirect_uri_provided_explicitly,
                code_challenge=params.code_challenge,
                state=params.state,
                scopes=params.scopes,
                resource=self._server.resource,
                created_at=now,
                expires_at=now + PENDING_TTL,
            )
        )
        return self._server.url("/consent?" + urlencode({"request": request_id}))

    async def issue_code(self, pending: PendingAuthorization, grant: Grant) -> str:
        """A one-time code for ``grant``, bound to the pending request's client, URI and PKCE."""
        code = new_token("bac_")
        await self._store.save_code(
            AuthorizationCodeRecord(
                code_hash=token_hash(code),
                grant_id=grant.id,
                client_id=pending.client_id,
                redirect_uri=pending.redirect_uri,
                redirect_uri_explicit=pending.redirect_uri_explicit,
                code_challenge=pending.code_challenge,
                scopes=grant.scopes,
                resource=pending.resource,
                expires_at=self._clock() + CODE_TTL,
            )
        )
        return code

    # authorization codes
    async def load_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: str
    ) -> BatonAuthorizationCode | None:
        record = await self._store.get_code(token_hash(authorization_code))
        if record is None or record.client_id != client.client_id:
            return None
        if record.used:
            # RFC 6749 4.1.2: a code used twice revokes what it already produced.
            await self._store.revoke_grant(record.grant_id)
            return None
        return BatonAuthorizationCode(
            code=authorization_code,
            scopes=record.scopes,
            expires_at=record.expires_at,
            client_id=record.client_id,
            code_challenge=record.code_challenge,
            redirect_uri=record.redirect_uri,  # type: ignore[arg-type]
            redirect_uri_provided_explicitly=record.redirect_uri_explicit,
            resource=record.resource,
            grant_id=record.grant_id,
        )

    async def exchange_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: BatonAuthorizationCode
    ) -> OAuthToken:
        if not await self._store.consume_code(token_hash(authorization_code.code)):
            await self._store.revoke_grant(authorization_code.grant_id)
            raise TokenError("invalid_grant", "authorization code was already used")
        grant = await self._store.get_grant(authorization_code.grant_id)
        if grant is None or grant.revoked:
            raise TokenError("invalid_grant", "the authorization was revoked")
        return await self._tokens.issue(grant, authorization_code.scopes)

    # refresh tokens
    async def load_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: str
    ) -> BatonRefreshToken | None:
        return await self._tokens.load_refresh(str(client.client_id), refresh_token)

    async def exchange_refresh_token(
        self,
        client: OAuthClientInformationFull,
        refresh_token: BatonRefreshToken,
        scopes: list[str],
    ) -> OAuthToken:
        tokens = await self._tokens.rotate(refresh_token, scopes)
        if tokens is None:
            raise TokenError("invalid_grant", "refresh token was already used")
        return tokens

    # access tokens
    async def load_access_token(self, token: str) -> BatonAccessToken | None:
        return await self._tokens.load_access(token)

    async def revoke_token(self, token: BatonAccessToken | BatonRefreshToken) -> None:
        # Either kind ends the grant: the SDK asks for both kinds to go together.
        await self._store.revoke_grant(token.grant_id)
