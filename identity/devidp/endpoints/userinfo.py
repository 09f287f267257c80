"""``/userinfo`` (OIDC Core 5.3): claims of the access token's user, by its granted scopes.

Like Auth0, only access tokens whose ``aud`` includes ``<issuer>userinfo`` (those
issued with ``openid``) are accepted. Verification uses joserfc directly: the token
was signed by this very process, so there is nothing to discover.
"""

from __future__ import annotations

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from identity.devidp.endpoints.common import NO_STORE, oauth_error, provider
from identity.devidp.tokens import user_claims

MAX_TOKEN_LENGTH = 16 * 1024


def _unauthorized(description: str, *, with_error: bool = True) -> Response:
    challenge = 'Bearer realm="devidp"'
    if with_error:
        challenge += f', error="invalid_token", error_description="{description}"'
    return oauth_error("invalid_token", description, 401, {"WWW-Authenticate": challenge})


async def userinfo(request: Request) -> Response:
    idp = provider(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return _unauthorized("A bearer access token is required.", with_error=False)
    if len(token) > MAX_TOKEN_LENGTH:
        return _unauthorized("The access token is invalid.")
    try:
        decoded = jwt.decode(token, KeySet([idp.key]), algorithms=["RS256"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": idp.issuer},
            aud={"essential": True, "value": idp.url("userinfo")},
            sub={"essential": True},
            exp={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, ValueError, TypeError):
        return _unauthorized("The access token is invalid.")
    user = idp.users.by_subject(str(decoded.claims["sub"]))
    if user is None:
        return _unauthorized("The access token's user no longer exists.")
    scope = decoded.claims.get("scope")
    claims = user_claims(user, scope if isinstance(scope, str) else "openid")
    return JSONResponse(dict(claims), headers=NO_STORE)


__all__ = ["userinfo"]
