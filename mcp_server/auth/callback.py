"""``/callback``: the tenant sends the user back here after login (hand-written: the SDK has none).

The ``state`` names a pending request; it is accepted once, only in the browser
that saw the consent page (cookie), and only before the request expires. The code
is exchanged with this server's PKCE verifier, the ID token checked (signature,
iss, aud, nonce, exp), the access token verified to learn the user's permissions,
and a grant stored with the upstream tokens encrypted. The client then gets
Baton's own code. Upstream refusals go back to the client as OAuth errors.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response

from identity.errors import IssuerUnavailable, TokenError
from identity.verify import TokenVerifier
from mcp_server.auth.consent import browser_cookie_name
from mcp_server.auth.errors import client_redirect, error_page
from mcp_server.auth.provider import BatonProvider
from mcp_server.auth.resource import ServerIdentity
from mcp_server.crypto import TokenCipher, hashes_equal, token_hash
from mcp_server.grants.access import GrantAccess, granted_scopes
from mcp_server.grants.store import GrantStore, PendingAuthorization
from mcp_server.upstream import UpstreamClient, UpstreamError, UpstreamUnavailable

logger = logging.getLogger(__name__)

# RFC 6749 4.1.2.1 codes a client understands; anything else (OIDC's login_required,
# consent_required, ...) reaches the client as access_denied.
PASSED_THROUGH = frozenset(
    {"access_denied", "invalid_scope", "server_error", "temporarily_unavailable"}
)


class CallbackEndpoint:
    def __init__(
        self,
        *,
        store: GrantStore,
        provider: BatonProvider,
        upstream: UpstreamClient,
        verifier: TokenVerifier,
        grants: GrantAccess,
        cipher: TokenCipher,
        server: ServerIdentity,
        secure_cookies: bool,
    ) -> None:
        self._store = store
        self._provider = provider
        self._upstream = upstream
        self._verifier = verifier
        self._grants = grants
        self._cipher = cipher
        self._server = server
        self._cookie = browser_cookie_name(secure_cookies)

    async def handle(self, request: Request) -> Response:
        state = request.query_params.get("state")
        if not state or len(state) > 512:
            return error_page(400, "Sign-in failed", "The identity provider's answer had no state.")
        pending = await self._store.get_pending_by_state(token_hash(state))
        if pending is None or pending.stage != "upstream":
            return _unknown_state()
        browser = request.cookies.get(self._cookie)
        if (
            not browser
            or not pending.browser_hash
            or not hashes_equal(token_hash(browser), pending.browser_hash)
        ):
            return error_page(
                400,
                "Sign-in failed",
                "This sign-in was started in another browser; start again there.",
            )
        if not await self._store.advance_pending(pending.id_hash, "upstream", "done"):
            return _unknown_state()  # lost a race with a replay of the same state

        error = request.query_params.get("error")
        if error:
            logger.info("upstream answered %s at callback", error[:64])
            return self._back(
                pending,
                error=error if error in PASSED_THROUGH else "access_denied",
                error_description="The sign-in did not complete",
            )
        code = request.query_params.get("code")
        if not code:
            return self._back(
                pending,
                error="server_error",
                error_description="The identity provider sent no code",
            )
        try:
            return await self._complete(pending, code)
        except UpstreamUnavailable:
            return self._back(
                pending,
                error="temporarily_unavailable",
                error_description="The identity provider is unavailable; try again",
            )
        except (UpstreamError, TokenError) as exc:
            logger.warning("upstream login could not be completed: %s", type(exc).__name__)
            return self._back(
                pending,
                error="access_denied",
                error_description="The sign-in could not be verified",
            )
        except IssuerUnavailable:
            return self._back(
                pending,
                error="temporarily_unavailable",
                error_description="The identity provider is unavailable; try again",
            )
        except Exception:
            # Whatever broke, the browser goes back to the client with an OAuth error
            # rather than a stack trace; the operator gets the traceback.
            logger.exception("completing an upstream login failed")
            return self._back(
                pending,
                error="server_error",
                error_description="The sign-in could not be completed",
            )

    async def _complete(self, pending: PendingAuthorization, code: str) -> Response:
        assert pending.upstream_verifier_enc is not None and pending.nonce is not None
        tokens = await self._upstream.exchange_code(
            code=code,
            redirect_uri=self._server.callback_url,
            code_verifier=self._cipher.decrypt(pending.upstream_verifier_enc),
        )
        if not tokens.id_token:
            return self._back(
                pending,
                error="server_error",
                error_description="The identity provider sent no ID token",
            )
        claims = await self._upstream.validate_id_token(tokens.id_token, nonce=pending.nonce)
        access = await self._verifier.verify(tokens.access_token)
        if access.subject != claims["sub"]:
            return self._back(
                pending, error="access_denied", error_description="Tokens name different users"
            )
        grant = await self._grants.create(
            subject=access.subject,
            client_id=pending.client_id,
            kind="authorization_code",
            scopes=granted_scopes(access.scopes, pending.scopes),
            claims=claims,
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_at=min(tokens.expires_at, float(access.expires_at)),
        )
        baton_code = await self._provider.issue_code(pending, grant)
        return self._back(pending, code=baton_code)

    def _back(self, pending: PendingAuthorization, **params: str) -> Response:
        return client_redirect(
            pending.redirect_uri, iss=self._server.issuer, state=pending.state, **params
        )


def _unknown_state() -> Response:
    return error_page(
        400, "Sign-in failed", "This sign-in answer is unknown, expired or was already used."
    )
