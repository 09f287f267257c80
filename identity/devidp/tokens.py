"""Access tokens (RFC 9068 JWTs via authlib) and ID tokens (authlib's OIDC extensions).

Access tokens look like Auth0's: ``aud`` is the API, plus ``<issuer>userinfo`` when
``openid`` was granted; ``azp`` names the client; ``scope`` and ``permissions`` hold
only what the user was granted. ID tokens are signed with the same key and carry
``kid`` so any OIDC client can verify them from the JWKS.
"""

from __future__ import annotations

import time
from typing import Any

from authlib.common.security import generate_token
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from authlib.oidc.core import OpenIDCode, OpenIDToken, UserInfo
from joserfc.jwk import KeySet, RSAKey

from identity.devidp.clients import Client
from identity.devidp.scopes import api_permissions
from identity.devidp.types import Principal
from identity.devidp.users import DevUser

REFRESH_TOKEN_LENGTH = 48


def user_claims(user: DevUser, scope: str) -> UserInfo:
    """OIDC standard claims for ``user`` released under ``scope`` (also /userinfo)."""
    claims = UserInfo(
        sub=user.subject,
        name=user.name,
        nickname=user.username,
        preferred_username=user.username,
        email=user.email,
        email_verified=True,
    )
    return claims.filter(scope)


def audience_claim(issuer: str, audience: str | None, scope: str) -> str | list[str]:
    """Auth0's ``aud``: the API, with ``<issuer>userinfo`` added when ``openid`` was granted."""
    userinfo = issuer + "userinfo"
    if audience is None:
        return userinfo
    if "openid" in scope.split():
        return [audience, userinfo]
    return audience


class AccessTokenGenerator(JWTBearerTokenGenerator):
    """authlib's RFC 9068 generator with Auth0's claims."""

    def __init__(self, issuer: str, key: RSAKey, ttl: int) -> None:
        super().__init__(
            issuer=issuer,
            alg="RS256",
            refresh_token_generator=lambda **_: generate_token(REFRESH_TOKEN_LENGTH),
            expires_generator=ttl,
        )
        # A KeySet makes joserfc put the key's ``kid`` into the JOSE header.
        self._keys = KeySet([key])

    def get_jwks(self) -> KeySet:
        return self._keys

    def get_audiences(self, client: Client, user: Principal, scope: str) -> str | list[str]:
        return audience_claim(self.issuer, user.audience, scope)

    def get_extra_claims(
        self, client: Client, grant_type: str, user: Principal, scope: str
    ) -> dict[str, Any]:
        permissions = api_permissions(scope, user.user.permissions) if user.audience else []
        return {"azp": client.client_id, "permissions": permissions}

    def get_auth_time(self, user: Principal) -> int:
        return user.auth_time


class IdTokenSigner:
    """What authlib's OIDC extensions need to sign ID tokens: key, issuer, lifetime."""

    def __init__(self, issuer: str, key: RSAKey, ttl: int) -> None:
        self.issuer = issuer
        self.key = key
        self.ttl = ttl


class _IdTokenClaims:
    """Overrides of authlib's ``OpenIDToken`` hooks shared by the code, refresh and password grants."""

    signer: IdTokenSigner

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        return self.signer.key

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": "RS256", "typ": "JWT", "kid": str(self.signer.key.kid)}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        now = int(time.time())
        return {
            "iss": self.signer.issuer,
            "aud": client.client_id,
            "iat": now,
            "exp": now + self.signer.ttl,
        }

    def get_compatible_claims(self, request: OAuth2Request) -> dict[str, Any]:
        claims = self.get_client_claims(request.client)
        principal = request.user
        if isinstance(principal, Principal):
            claims["auth_time"] = principal.auth_time
        return claims

    def generate_user_info(self, user: Principal, scope: str) -> UserInfo:
        return user_claims(user.user, scope)


class CodeIdTokens(_IdTokenClaims, OpenIDCode):
    """ID tokens for the authorization-code grant (nonce from the code)."""

    def __init__(self, signer: IdTokenSigner) -> None:
        super().__init__(require_nonce=False)
        self.signer = signer

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        # In the code flow the client checks the nonce it sent (OIDC Core 3.1.3.7);
        # the provider only echoes it, as Auth0 does.
        return False


class GrantIdTokens(_IdTokenClaims, OpenIDToken):
    """ID tokens for the refresh-token and password grants."""

    def __init__(self, signer: IdTokenSigner) -> None:
        self.signer = signer


__all__ = [
    "AccessTokenGenerator",
    "CodeIdTokens",
    "GrantIdTokens",
    "IdTokenSigner",
    "audience_claim",
    "user_claims",
]
