"""Identity shared by every Baton service: settings base, OIDC discovery, token verification."""

from identity.errors import IssuerUnavailable, TokenError
from identity.verify import TokenVerifier, VerifiedToken, scopes_of

__all__ = ["IssuerUnavailable", "TokenError", "TokenVerifier", "VerifiedToken", "scopes_of"]
