"""The consent page between /authorize and the upstream login (hand-written: the SDK has none).

GET renders who is asking, where the answer goes and for which scopes; POST takes
Allow or Deny. The page binds the request to this browser with a cookie and to
this form with a CSRF token (both stored hashed on the pending request); a POST
missing either is refused without redirecting anywhere. Allow moves the request
to its upstream stage exactly once and sends the browser to the tenant's
``authorization_endpoint`` with this server's own PKCE, ``state`` and ``nonce``.
"""

from __future__ import annotations

import base64
import hashlib
import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mcp_server.auth.errors import NO_STORE, client_redirect, error_page, render_page
from mcp_server.auth.registry import ClientRegistry
from mcp_server.auth.resource import ServerIdentity
from mcp_server.crypto import TokenCipher, hashes_equal, new_token, token_hash
from mcp_server.grants.store import GrantStore, PendingAuthorization
from mcp_server.settings import TOOL_SCOPES
from mcp_server.upstream import UpstreamClient, UpstreamError

logger = logging.getLogger(__name__)

SCOPE_TEXT = {
    "read:todos": "read your todos",
    "write:todos": "create and complete your todos",
    "read:billing": "read your plan and invoices",
}


def browser_cookie_name(secure: bool) -> str:
    # __Host- pins the cookie to this origin, path / and https (RFC 6265bis 4.1.3.2).
    return "__Host-baton_browser" if secure else "baton_browser"


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class ConsentEndpoint:
    def __init__(
        self,
        *,
        store: GrantStore,
        registry: ClientRegistry,
        upstream: UpstreamClient,
        cipher: TokenCipher,
        server: ServerIdentity,
        secure_cookies: bool,
    ) -> None:
        self._store = store
        self._registry = registry
        self._upstream = upstream
        self._cipher = cipher
        self._server = server
        self._secure = secure_cookies
        self._cookie = browser_cookie_name(secure_cookies)

    async def handle(self, request: Request) -> Response:
        if request.method == "GET":
            return await self.show(request)
        return await self.decide(request)

    async def _pending(self, request_id: object) -> PendingAuthorization | None:
        if not isinstance(request_id, str) or not request_id or len(request_id) > 200:
            return None
        pending = await self._store.get_pending(token_hash(request_id))
        if pending is None or pending.stage != "consent":
            return None
        return pending

    async def show(self, request: Request) -> Response:
        request_id = request.query_params.get("request")
        pending = await self._pending(request_id)
        client = await self._registry.get(pending.client_id) if pending else None
        if pending is None or client is None or request_id is None:
            return _expired()
        browser = request.cookies.get(self._cookie) or new_token()
        csrf = new_token()
        updated = await self._store.update_pending(
            pending.id_hash, "consent", csrf_hash=token_hash(csrf), browser_hash=token_hash(browser)
        )
        if not updated:
            return _expired()
        scopes = pending.scopes or []
        response = render_page(
            "consent.html",
            client_name=client.client_name or "An application",
            client_id=client.client_id,
            dynamic=True,  # every client here registered itself (DCR or its own metadata document)
            redirect_uri=pending.redirect_uri,
            scopes=[(s, SCOPE_TEXT.get(s, s)) for s in scopes],
            all_scopes=", ".join(TOOL_SCOPES),
            action=self._server.url("/consent"),
            request_id=request_id,
            csrf_token=csrf,
        )
        response.set_cookie(
            self._cookie,
            browser,
            max_age=3600,
            path="/",
            secure=self._secure,
            httponly=True,
            samesite="lax",
        )
        return response

    async def decide(self, request: Request) -> Response:
        try:
            form = await request.form(max_files=0, max_fields=10)
        except Exception:  # malformed multipart/urlencoded bodies: a 400, never a 500
            return error_page(400, "Bad request", "The consent form could not be read.")
        pending = await self._pending(form.get("request"))
        if pending is None:
            return _expired()
        csrf = form.get("csrf_token")
        browser = request.cookies.get(self._cookie)
        if (
            not isinstance(csrf, str)
            or not browser
            or pending.csrf_hash is None
            or pending.browser_hash is None
            or not hashes_equal(token_hash(csrf), pending.csrf_hash)
            or not hashes_equal(token_hash(browser), pending.browser_hash)
        ):
            return error_page(
                403,
                "Request not accepted",
                "This confirmation did not come from the consent page shown in this browser.",
            )
        decision = form.get("decision")
        if decision == "deny":
            if not await self._store.advance_pending(pending.id_hash, "consent", "done"):
                return _expired()
            return client_redirect(
                pending.redirect_uri,
                iss=self._server.issuer,
                state=pending.state,
                error="access_denied",
                error_description="The user denied the request",
            )
        if decision != "allow":
            return error_page(400, "Bad request", "Choose Allow or Deny.")
        return await self._to_upstream(pending)

    async def _to_upstream(self, pending: PendingAuthorization) -> Response:
        state, nonce, verifier = new_token(), new_token(), new_token()
        try:
            url = await self._upstream.authorization_url(
                redirect_uri=self._server.callback_url,
                state=state,
                nonce=nonce,
                code_challenge=pkce_challenge(verifier),
            )
        except UpstreamError as exc:
            logger.warning("cannot reach the identity provider: %s", exc.error)
            return error_page(
                503,
                "Sign-in unavailable",
                "The identity provider cannot be reached; try again shortly.",
            )
        moved = await self._store.advance_pending(
            pending.id_hash,
            "consent",
            "upstream",
            upstream_state_hash=token_hash(state),
            nonce=nonce,
            upstream_verifier_enc=self._cipher.encrypt(verifier),
        )
        if not moved:
            return _expired()
        # 303: the browser follows a POST with a GET.
        return RedirectResponse(url, status_code=303, headers=NO_STORE)


def _expired() -> Response:
    return error_page(
        400,
        "Authorization request expired",
        "This authorization request is unknown, expired or already answered.",
    )
