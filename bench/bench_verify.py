"""Token verification: Baton's verifier (header checks, cached JWKS, typed claim checks)
against a bare joserfc decode with the key already in hand."""

from __future__ import annotations

import time

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from bench.harness import Result, compare
from identity.verify import TokenVerifier

ISSUER = "http://issuer.bench/"
AUDIENCE = "urn:todos-api"


def _issuer_app(key: RSAKey) -> Starlette:
    jwks = KeySet([key]).as_dict(private=False)

    async def discovery(_: object) -> JSONResponse:
        return JSONResponse({"issuer": ISSUER, "jwks_uri": ISSUER + ".well-known/jwks.json"})

    async def keys(_: object) -> JSONResponse:
        return JSONResponse(jwks)

    return Starlette(
        routes=[
            Route("/.well-known/openid-configuration", discovery),
            Route("/.well-known/jwks.json", keys),
        ]
    )


async def bench() -> list[Result]:
    key = RSAKey.generate_key(2048, parameters={"kid": "bench", "use": "sig"}, private=True)
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "auth0|alice",
        "aud": [AUDIENCE],
        "azp": "baton-web",
        "iat": now,
        "exp": now + 3600,
        "scope": "openid read:todos",
        "permissions": ["read:todos", "write:todos", "read:billing"],
    }
    token = jwt.encode({"alg": "RS256", "kid": "bench"}, claims, key)
    public = RSAKey.import_key(key.as_dict(private=False))
    transport = httpx.ASGITransport(app=_issuer_app(key))
    async with httpx.AsyncClient(transport=transport, base_url=ISSUER) as http:
        verifier = TokenVerifier(ISSUER, AUDIENCE, http)
        await verifier.verify(token)

        async def bare() -> object:
            return jwt.decode(token, public, algorithms=["RS256"])

        async def baton() -> object:
            return await verifier.verify(token)

        return [
            await compare(
                "verify an RS256 access token (JWKS cached)",
                ("joserfc.jwt.decode, key in hand", bare),
                ("identity.TokenVerifier.verify", baton),
                n=200,
            )
        ]
