"""Typed token-verification errors.

    TokenError                      the token must be refused
    ├── MalformedToken              not a compact JWS / bad JSON
    ├── UnsupportedAlgorithm        anything but RS256 (``none``, HS256 key confusion, ...)
    ├── UnknownSigningKey           ``kid`` not in the issuer's JWKS, even after a refetch
    ├── BadSignature
    ├── MissingClaim
    ├── WrongIssuer
    ├── WrongAudience
    ├── Expired
    └── NotYetValid
    IssuerUnavailable               discovery or JWKS could not be fetched (transient, retry)

Messages are for logs and operators; services answer clients with the RFC 6750
``invalid_token`` code only, so nothing here helps an attacker.
"""

from __future__ import annotations


class IdentityError(Exception):
    """Base of everything this package raises."""


class TokenError(IdentityError):
    """The token must be refused (RFC 6750 ``invalid_token``)."""

    code = "invalid_token"


class MalformedToken(TokenError):
    """The value is not a well-formed signed JWT."""


class UnsupportedAlgorithm(TokenError):
    """The JOSE header names an algorithm other than RS256."""


class UnknownSigningKey(TokenError):
    """The ``kid`` is not in the issuer's key set."""


class BadSignature(TokenError):
    """The signature does not verify with the issuer's key."""


class MissingClaim(TokenError):
    """A required claim is absent."""


class WrongIssuer(TokenError):
    """``iss`` is not the configured issuer."""


class WrongAudience(TokenError):
    """``aud`` does not contain the expected audience."""


class Expired(TokenError):
    """``exp`` is in the past (beyond the allowed leeway)."""


class NotYetValid(TokenError):
    """``nbf`` or ``iat`` lies in the future (beyond the allowed leeway)."""


class IssuerUnavailable(IdentityError):
    """Discovery or the JWKS endpoint failed; the request may be retried."""


__all__ = [
    "BadSignature",
    "Expired",
    "IdentityError",
    "IssuerUnavailable",
    "MalformedToken",
    "MissingClaim",
    "NotYetValid",
    "TokenError",
    "UnknownSigningKey",
    "UnsupportedAlgorithm",
    "WrongAudience",
    "WrongIssuer",
]
