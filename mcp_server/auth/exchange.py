"""RFC 8693 token exchange for the orchestrator's confidential client (DESIGN 3b).

The subject token is the user's access token from the tenant. It must verify
(signature, issuer, audience ``AUTH0_AUDIENCE``, expiry), name a trusted front end
as ``azp``, and its permissions bound the result: scopes are never widened. The
subject token becomes the grant's upstream token (encrypted); re-exchanging for
the same user updates that grant. The Baton token lives no longer than the
subject token and comes without a refresh token: the caller exchanges again.
"""

from __future__ import annotations

import logging
import time

from starlette.datastructures import FormData
from starlette.responses import JSONResponse, Response

from identity.errors import IssuerUnavailable, TokenError
from identity.verify import TokenVerifier
from mcp_server.auth.clients import BatonClient
from mcp_server.auth.errors import NO_STORE, oauth_error
from mcp_server.auth.resource import ServerIdentity
from mcp_server.auth.tokens import TokenIssuer
from mcp_server.grants.access import GrantAccess, granted_scopes

logger = logging.getLogger(__name__)

ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
RETRY_AFTER = "5"


class TokenExchangeHandler:
    def __init__(
        self,
        *,
        verifier: TokenVerifier,
        grants: GrantAccess,
        issuer: TokenIssuer,
        server: ServerIdentity,
        trusted_azp: list[str],
    ) -> None:
        self._verifier = verifier
        self._grants = grants
        self._issuer = issuer
        self._server = server
        self._trusted = frozenset(trusted_azp)

    async def handle(self, client: BatonClient, form: FormData) -> Response:
        """``client`` is already authenticated and allowed this grant type."""
        subject_token = form.get("subject_token")
        if not isinstance(subject_token, str) or not subject_token:
            return oauth_error("invalid_request", "subject_token is required")
        if form.get("subject_token_type") != ACCESS_TOKEN_TYPE:
            return oauth_error("invalid_request", f"subject_token_type must be {ACCESS_TOKEN_TYPE}")
        requested_type = form.get("requested_token_type")
        if requested_type is not None and requested_type != ACCESS_TOKEN_TYPE:
            return oauth_error("invalid_request", "only access tokens can be requested")
        if form.get("actor_token") is not None:
            return oauth_error("invalid_request", "actor tokens are not supported")
        audience = form.get("audience")
        if audience is not None and not self._server.names_this_resource(str(audience)):
            return oauth_error("invalid_target", "audience does not name this MCP server")

        try:
            subject = await self._verifier.verify(subject_token)
        except TokenError as exc:
            logger.info("subject token refused: %s", type(exc).__name__)
            # RFC 8693 2.2.2: an invalid or unacceptable subject token is invalid_request.
            return oauth_error("invalid_request", "the subject token is not valid")
        except IssuerUnavailable:
            return oauth_error(
                "temporarily_unavailable",
                "the identity provider cannot be reached; retry",
                status=503,
                headers={"Retry-After": RETRY_AFTER},
            )
        if subject.expires_at <= time.time():
            # The verifier allows clock-skew leeway; issuing needs remaining lifetime.
            return oauth_error("invalid_request", "the subject token has expired")
        if subject.authorized_party not in self._trusted:
            return oauth_error(
                "invalid_request", "the subject token was not issued to a trusted application"
            )

        available = granted_scopes(subject.scopes, None)
        scope = form.get("scope")
        if isinstance(scope, str) and scope.strip():
            asked = list(dict.fromkeys(scope.split()))
            if not set(asked) <= set(available):
                return oauth_error(
                    "invalid_scope", "the subject token does not hold every scope asked for"
                )
            scopes = [s for s in available if s in asked]
        else:
            scopes = available

        grant = await self._grants.exchange_grant(
            subject=subject.subject,
            client_id=str(client.client_id),
            scopes=available,
            claims=subject.claims,
            subject_token=subject_token,
            expires_at=float(subject.expires_at),
        )
        token = await self._issuer.issue(
            grant, scopes, with_refresh=False, not_after=float(subject.expires_at)
        )
        return JSONResponse(
            {
                "access_token": token.access_token,
                "issued_token_type": ACCESS_TOKEN_TYPE,
                "token_type": "Bearer",
                "expires_in": token.expires_in,
                "scope": token.scope,
            },
            headers=NO_STORE,
        )
