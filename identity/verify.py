"""Verification of access tokens issued by the tenant (Auth0, the dev provider, any OIDC issuer).

One ``TokenVerifier`` per (issuer, audience); keys come from the issuer's discovered
``jwks_uri`` and are cached (see ``identity.discovery.JWKSCache``). Only RS256 is
accepted, so ``alg: none`` and HS256-with-the-public-key confusion fail before any
key is touched.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from joserfc import errors as jose_errors
from joserfc import jws, jwt

from identity.discovery import JWKSCache, OIDCDiscovery
from identity.errors import (
    BadSignature,
    Expired,
    MalformedToken,
    MissingClaim,
    NotYetValid,
    TokenError,
    UnknownSigningKey,
    UnsupportedAlgorithm,
    WrongAudience,
    WrongIssuer,
)

ALGORITHMS = ("RS256",)
MAX_TOKEN_LENGTH = 16 * 1024


@dataclass(frozen=True)
class VerifiedToken:
    """A token whose signature and registered claims have been checked."""

    subject: str
    issuer: str
    audiences: tuple[str, ...]
    scopes: frozenset[str]
    expires_at: int
    authorized_party: str | None
    claims: dict[str, Any] = field(repr=False)

    def has_scopes(self, required: Iterable[str]) -> bool:
        return set(required) <= self.scopes


def scopes_of(claims: dict[str, Any]) -> frozenset[str]:
    """Scopes from the ``scope`` string and Auth0's ``permissions`` array, united."""
    scopes: set[str] = set()
    scope = claims.get("scope")
    if isinstance(scope, str):
        scopes.update(scope.split())
    permissions = claims.get("permissions")
    if isinstance(permissions, list):
        scopes.update(p for p in permissions if isinstance(p, str))
    return frozenset(scopes)


class TokenVerifier:
    """Verifies RS256 JWT access tokens for one audience.

    ``verify`` raises a ``TokenError`` subclass for a bad token and
    ``IssuerUnavailable`` when the issuer's keys cannot be fetched.
    """

    def __init__(
        self,
        issuer: str,
        audience: str,
        http: httpx.AsyncClient,
        *,
        leeway: int = 60,
        jwks_refetch_floor: float = 30.0,
        clock: Callable[[], float] = time.time,
        discovery: OIDCDiscovery | None = None,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.discovery = discovery or OIDCDiscovery(issuer, http)
        self.jwks = JWKSCache(self.discovery, refetch_floor=jwks_refetch_floor)
        self._leeway = leeway
        self._clock = clock

    async def verify(self, token: str, *, audience: str | None = None) -> VerifiedToken:
        header = _read_header(token)
        if header.get("alg") not in ALGORITHMS:
            raise UnsupportedAlgorithm(f"alg {header.get('alg')!r} is not accepted")
        kid = header.get("kid")
        keys = await self.jwks.key_set(kid if isinstance(kid, str) else None)
        if isinstance(kid, str) and not any(k.kid == kid for k in keys.keys):
            raise UnknownSigningKey("kid not in the issuer's JWKS")
        try:
            decoded = jwt.decode(token, keys, algorithms=list(ALGORITHMS))
        except jose_errors.BadSignatureError as exc:
            raise BadSignature("signature does not verify") from exc
        except (jose_errors.MissingKeyError, ValueError) as exc:
            raise UnknownSigningKey("no key matches the token") from exc
        except jose_errors.JoseError as exc:
            raise MalformedToken(type(exc).__name__) from exc
        claims = dict(decoded.claims)
        self._validate_claims(claims, audience or self.audience)
        aud = claims["aud"]
        azp = claims.get("azp")
        return VerifiedToken(
            subject=claims["sub"],
            issuer=claims["iss"],
            audiences=(aud,) if isinstance(aud, str) else tuple(aud),
            scopes=scopes_of(claims),
            expires_at=int(claims["exp"]),
            authorized_party=azp if isinstance(azp, str) else None,
            claims=claims,
        )

    def _validate_claims(self, claims: dict[str, Any], audience: str) -> None:
        registry = jwt.JWTClaimsRegistry(
            now=lambda: int(self._clock()),
            leeway=self._leeway,
            iss={"essential": True, "value": self.issuer},
            sub={"essential": True},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
        )
        try:
            registry.validate(claims)
        except jose_errors.ExpiredTokenError as exc:
            raise Expired("token has expired") from exc
        except jose_errors.MissingClaimError as exc:
            raise MissingClaim(str(exc)) from exc
        except jose_errors.InvalidClaimError as exc:
            raise _claim_error(exc.claim, str(exc)) from exc
        except jose_errors.JoseError as exc:
            raise MalformedToken(type(exc).__name__) from exc


def _claim_error(claim: str, message: str) -> TokenError:
    kinds: dict[str, type[TokenError]] = {
        "iss": WrongIssuer,
        "aud": WrongAudience,
        "nbf": NotYetValid,
        "iat": NotYetValid,
        "exp": Expired,
    }
    return kinds.get(claim, MalformedToken)(message)


def _read_header(token: str) -> dict[str, Any]:
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise MalformedToken("token is empty or too long")
    if token.count(".") != 2:
        raise MalformedToken("not a compact JWS")
    try:
        return dict(jws.extract_compact(token.encode()).headers())
    except (jose_errors.JoseError, ValueError, UnicodeError) as exc:
        raise MalformedToken("undecodable JOSE header") from exc


__all__ = ["ALGORITHMS", "TokenVerifier", "VerifiedToken", "scopes_of"]
