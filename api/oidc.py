"""The front end as an OpenID Connect client of the tenant (Auth0 or any compliant issuer).

Login goes through authlib's Starlette client (authorization code + PKCE S256, state
and nonce checked by authlib); refresh and logout use endpoints from discovery, with
Auth0's ``/v2/logout`` only when the issuer advertises no ``end_session_endpoint``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.integrations.starlette_client import OAuth, OAuthError
from starlette.requests import Request
from starlette.responses import RedirectResponse

from api.sessions import SessionTokens
from identity.discovery import OIDCDiscovery
from identity.errors import IssuerUnavailable

CLIENT_NAME = "baton"
# Access tokens without ``expires_in`` are assumed short-lived so they get refreshed early.
DEFAULT_EXPIRES_IN = 300


class LoginFailed(Exception):
    """The login callback cannot complete; ``message`` is safe to show the user."""

    def __init__(self, message: str, *, code: str = "login_failed", status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


def is_transport_error(exc: BaseException) -> bool:
    """A network failure from httpx or httpx2 (authlib uses the latter when installed)."""
    return any(cls.__name__ == "TransportError" for cls in type(exc).__mro__)


class RefreshFailed(Exception):
    """The tokens could not be refreshed. ``transient``: the issuer was unreachable or
    failed (5xx), rather than refusing the refresh token."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class LoginResult:
    tokens: SessionTokens
    subject: str
    name: str
    email: str | None


class OidcClient:
    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str,
        scope: str,
        audience: str,
        use_resource_param: bool,
        discovery: OIDCDiscovery,
        http: httpx.AsyncClient,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self._client_secret = client_secret
        self._audience_param = {"resource" if use_resource_param else "audience": audience}
        self._discovery = discovery
        self._http = http
        self._clock = clock
        self._oauth = OAuth()
        self._oauth.register(
            CLIENT_NAME,
            client_id=client_id,
            client_secret=client_secret,
            server_metadata_url=discovery.url,
            client_kwargs={"scope": scope, "code_challenge_method": "S256"},
        )
        self._use_resource = use_resource_param

    @property
    def _app(self) -> Any:
        return self._oauth.create_client(CLIENT_NAME)

    async def login_redirect(self, request: Request, redirect_uri: str) -> RedirectResponse:
        """Redirect to the issuer's authorization endpoint; state, nonce and the PKCE
        verifier are kept in ``request.session`` (the short-lived login cookie)."""
        try:
            response: RedirectResponse = await self._app.authorize_redirect(
                request, redirect_uri, **self._audience_param
            )
        except Exception as exc:  # discovery unreachable or unusable, whatever the client lib
            raise IssuerUnavailable(f"authorization redirect failed: {type(exc).__name__}") from exc
        return response

    async def finish_login(self, request: Request) -> LoginResult:
        """Exchange the code from the callback; raise ``LoginFailed`` with a safe message."""
        if not request.query_params.get("state"):
            raise LoginFailed("The sign-in response is missing its state. Please sign in again.")
        extra = self._audience_param if self._use_resource else {}
        try:
            token = await self._app.authorize_access_token(request, **extra)
        except OAuthError as exc:
            if exc.error in {"access_denied", "login_required", "consent_required"}:
                raise LoginFailed("Sign-in was cancelled or refused.", code=exc.error) from exc
            raise LoginFailed(
                "The identity provider could not complete the sign-in. Please try again.",
                code=str(exc.error or "login_failed")[:64],
            ) from exc
        except Exception as exc:
            if is_transport_error(exc):
                raise LoginFailed(
                    "The identity provider cannot be reached right now. Please try again.",
                    code="temporarily_unavailable",
                    status=503,
                ) from exc
            # Mismatched or replayed state (no saved login data), a bad ID token...
            raise LoginFailed(
                "The sign-in could not be verified. Please sign in again.", code="invalid_state"
            ) from exc
        claims = token.get("userinfo") or {}
        if not token.get("access_token") or not claims.get("sub"):
            raise LoginFailed("The identity provider sent no usable tokens.", code="invalid_token")
        return LoginResult(
            tokens=self._tokens_from(token, previous=None),
            subject=str(claims["sub"]),
            name=str(
                claims.get("name") or claims.get("nickname") or claims.get("email") or claims["sub"]
            ),
            email=claims.get("email") if isinstance(claims.get("email"), str) else None,
        )

    async def refresh(self, tokens: SessionTokens) -> SessionTokens:
        """New tokens from the refresh token (rotated if the issuer rotates it)."""
        if not tokens.refresh_token:
            raise RefreshFailed("no refresh token")
        try:
            endpoint = await self._discovery.endpoint("token_endpoint")
        except IssuerUnavailable as exc:
            raise RefreshFailed("discovery failed", transient=True) from exc
        if not endpoint:
            raise RefreshFailed("no token endpoint")
        form = {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token}
        if self._use_resource:
            form.update(self._audience_param)
        try:
            response = await self._http.post(
                endpoint,
                data=form,
                auth=(self.client_id, self._client_secret),
                headers={"Accept": "application/json"},
            )
            body = response.json() if response.status_code == 200 else {}
        except (httpx.HTTPError, ValueError) as exc:
            raise RefreshFailed(type(exc).__name__, transient=True) from exc
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise RefreshFailed(
                f"token endpoint answered {response.status_code}",
                transient=response.status_code >= 500,
            )
        return self._tokens_from(body, previous=tokens)

    async def logout_url(self, *, return_to: str, id_token: str | None) -> str:
        """Where to send the browser to end the upstream session too."""
        try:
            end_session = await self._discovery.endpoint("end_session_endpoint")
        except IssuerUnavailable:
            end_session = None
        if end_session:
            params = {"client_id": self.client_id, "post_logout_redirect_uri": return_to}
            if id_token:
                params["id_token_hint"] = id_token
            separator = "&" if "?" in end_session else "?"
            return end_session + separator + urlencode(params)
        # Auth0 without RP-initiated logout enabled advertises nothing: its own endpoint.
        return (
            self.issuer.rstrip("/")
            + "/v2/logout?"
            + urlencode({"client_id": self.client_id, "returnTo": return_to})
        )

    def _tokens_from(self, token: dict[str, Any], previous: SessionTokens | None) -> SessionTokens:
        expires_in = token.get("expires_in")
        if not isinstance(expires_in, int | float) or expires_in <= 0:
            expires_in = DEFAULT_EXPIRES_IN
        return SessionTokens(
            access_token=str(token["access_token"]),
            expires_at=self._clock() + float(expires_in),
            # Issuers that do not rotate refresh tokens omit them on refresh: keep the old one.
            refresh_token=token.get("refresh_token")
            or (previous.refresh_token if previous else None),
            id_token=token.get("id_token") or (previous.id_token if previous else None),
        )


__all__ = ["LoginFailed", "LoginResult", "OidcClient", "RefreshFailed"]
