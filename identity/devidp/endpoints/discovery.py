"""``/.well-known/openid-configuration``, ``/.well-known/jwks.json`` and ``/healthz``.

Paths are Auth0's. ``end_session_endpoint`` is omitted, as Auth0 omits it; clients
fall back to ``/v2/logout``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from identity.devidp.endpoints.common import provider
from identity.devidp.keys import public_jwks
from identity.devidp.scopes import OIDC_SCOPES

PUBLIC_CACHE = {"Cache-Control": "public, max-age=300"}


async def openid_configuration(request: Request) -> Response:
    idp = provider(request)
    permissions = sorted({p for user in idp.users.all() for p in user.permissions})
    document = {
        "issuer": idp.issuer,
        "authorization_endpoint": idp.url("authorize"),
        "token_endpoint": idp.url("oauth/token"),
        "userinfo_endpoint": idp.url("userinfo"),
        "revocation_endpoint": idp.url("oauth/revoke"),
        "jwks_uri": idp.url(".well-known/jwks.json"),
        "scopes_supported": [*OIDC_SCOPES, *permissions],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "password"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "revocation_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": [
            "aud",
            "auth_time",
            "email",
            "email_verified",
            "exp",
            "iat",
            "iss",
            "name",
            "nickname",
            "nonce",
            "preferred_username",
            "sub",
        ],
        "request_parameter_supported": False,
    }
    return JSONResponse(document, headers=PUBLIC_CACHE)


async def jwks(request: Request) -> Response:
    return JSONResponse(public_jwks(provider(request).key), headers=PUBLIC_CACHE)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


__all__ = ["healthz", "jwks", "openid_configuration"]
