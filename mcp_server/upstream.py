"""The MCP server as an OpenID Connect client of the tenant (Auth0 or the dev provider).

Every endpoint comes from OIDC discovery; keys from the discovered ``jwks_uri``.
``UpstreamClient`` is the seam: tests swap in a hand-written fake to count refreshes.

    UpstreamError                 the upstream said no or could not be reached
    ├── UpstreamRejected          an OAuth error answer (``invalid_grant`` revokes the grant)
    └── UpstreamUnavailable       network failure or 5xx: transient, retry later
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from joserfc import errors as jose_errors
from joserfc import jws, jwt

from identity.discovery import JWKSCache, OIDCDiscovery
from identity.errors import IssuerUnavailable

DEFAULT_EXPIRES_IN = 300  # when the upstream omits expires_in, assume short-lived


class UpstreamError(Exception):
    """The upstream authorization server refused or failed a request."""

    def __init__(self, error: str, description: str = "") -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description


class UpstreamRejected(UpstreamError):
    """An OAuth error response (RFC 6749 5.2), e.g. ``invalid_grant``."""


class UpstreamUnavailable(UpstreamError):
    """Transient: the upstream could not be reached or answered 5xx."""


class InvalidIdToken(UpstreamError):
    """The ID token failed signature, issuer, audience, nonce or expiry checks."""


@dataclass(frozen=True)
class UpstreamTokens:
    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: float
    id_token: str | None = field(default=None, repr=False)


class UpstreamClient(Protocol):
    """What the authorization server needs from the tenant."""

    async def authorization_url(
        self, *, redirect_uri: str, state: str, nonce: str, code_challenge: str
    ) -> str: ...

    async def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str
    ) -> UpstreamTokens: ...

    async def validate_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]: ...

    async def refresh(self, refresh_token: str) -> UpstreamTokens: ...


class OidcUpstream:
    """``UpstreamClient`` for any standards-compliant OpenID provider."""

    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str,
        audience: str,
        scope: str,
        use_resource_param: bool,
        discovery: OIDCDiscovery,
        jwks: JWKSCache,
        timeout: float = 10.0,
        leeway: int = 60,
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self._audience = audience
        self._scope = scope
        self._use_resource = use_resource_param
        self._discovery = discovery
        self._jwks = jwks
        self._leeway = leeway
        self._oauth = AsyncOAuth2Client(
            client_id=client_id,
            client_secret=client_secret,
            token_endpoint_auth_method="client_secret_post",
            timeout=timeout,
        )

    async def aclose(self) -> None:
        await self._oauth.aclose()

    async def _endpoint(self, name: str) -> str:
        try:
            url = await self._discovery.endpoint(name)
        except IssuerUnavailable as exc:
            raise UpstreamUnavailable("temporarily_unavailable", str(exc)) from exc
        if not url:
            raise UpstreamUnavailable("temporarily_unavailable", f"discovery has no {name}")
        return url

    async def authorization_url(
        self, *, redirect_uri: str, state: str, nonce: str, code_challenge: str
    ) -> str:
        endpoint = await self._endpoint("authorization_endpoint")
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "scope": self._scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
            ("resource" if self._use_resource else "audience"): self._audience,
        }
        separator = "&" if "?" in endpoint else "?"
        return f"{endpoint}{separator}{urlencode(params)}"

    async def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str
    ) -> UpstreamTokens:
        endpoint = await self._endpoint("token_endpoint")
        token = await self._call(
            self._oauth.fetch_token(
                endpoint,
                grant_type="authorization_code",
                code=code,
                redirect_uri=redirect_uri,
                code_verifier=code_verifier,
            )
        )
        return _tokens(token, previous_refresh=None)

    async def refresh(self, refresh_token: str) -> UpstreamTokens:
        endpoint = await self._endpoint("token_endpoint")
        token = await self._call(self._oauth.refresh_token(endpoint, refresh_token=refresh_token))
        return _tokens(token, previous_refresh=refresh_token)

    async def _call(self, request: Any) -> dict[str, Any]:
        try:
            token = await request
        except OAuthError as exc:
            raise UpstreamRejected(exc.error or "invalid_grant", exc.description or "") from exc
        except (httpx.HTTPError, OSError, ValueError) as exc:
            raise UpstreamUnavailable("temporarily_unavailable", type(exc).__name__) from exc
        except Exception as exc:
            # httpx2 (authlib's transport) errors do not subclass httpx's.
            if type(exc).__module__.startswith("httpx"):
                raise UpstreamUnavailable("temporarily_unavailable", type(exc).__name__) from exc
            raise
        if not isinstance(token, dict) or not isinstance(token.get("access_token"), str):
            raise UpstreamUnavailable(
                "temporarily_unavailable", "token response without access_token"
            )
        return token

    async def validate_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        try:
            header = jws.extract_compact(id_token.encode()).headers()
            kid = header.get("kid")
            keys = await self._jwks.key_set(kid if isinstance(kid, str) else None)
            decoded = jwt.decode(id_token, keys, algorithms=["RS256"])
        except IssuerUnavailable as exc:
            raise UpstreamUnavailable("temporarily_unavailable", str(exc)) from exc
        except (jose_errors.JoseError, ValueError, UnicodeError) as exc:
            raise InvalidIdToken("invalid_id_token", type(exc).__name__) from exc
        claims = dict(decoded.claims)
        registry = jwt.JWTClaimsRegistry(
            leeway=self._leeway,
            iss={"essential": True, "value": self.issuer},
            sub={"essential": True},
            aud={"essential": True, "value": self.client_id},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(claims)
        except jose_errors.JoseError as exc:
            raise InvalidIdToken("invalid_id_token", str(exc)) from exc
        aud = claims.get("aud")
        if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != self.client_id:
            raise InvalidIdToken("invalid_id_token", "azp does not name this client")
        return claims


def _tokens(token: dict[str, Any], *, previous_refresh: str | None) -> UpstreamTokens:
    try:
        lifetime = int(float(token.get("expires_in", DEFAULT_EXPIRES_IN)))
    except (TypeError, ValueError):
        lifetime = DEFAULT_EXPIRES_IN
    refresh = token.get("refresh_token")
    id_token = token.get("id_token")
    return UpstreamTokens(
        access_token=token["access_token"],
        # Providers without refresh rotation omit it on refresh: keep the old one.
        refresh_token=refresh if isinstance(refresh, str) else previous_refresh,
        expires_at=time.time() + lifetime,
        id_token=id_token if isinstance(id_token, str) else None,
    )
