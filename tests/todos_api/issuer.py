"""A minimal OIDC issuer for forging tokens the dev provider would never issue.

It serves discovery and a JWKS over real HTTP (uvicorn on 127.0.0.1) and signs RS256
tokens with joserfc, so expired, foreign-audience and tampered tokens reach the
API's real verifier with a key it trusts.
"""

from __future__ import annotations

import base64
import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.servers import free_port, serve

AUDIENCE = "urn:todos-api"
USER_PERMISSIONS = {
    "alice": ("read:todos", "write:todos", "read:billing"),
    "bob": ("read:todos",),
}


class LocalIssuer:
    """Signs tokens as ``issuer``; its keys are published at ``{issuer}jwks.json``."""

    def __init__(self, port: int) -> None:
        self.issuer = f"http://127.0.0.1:{port}/"
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": "local-1", "use": "sig", "alg": "RS256"}, private=True
        )
        self.app = Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self._discovery),
                Route("/jwks.json", self._jwks),
            ]
        )

    async def _discovery(self, _: Request) -> JSONResponse:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "jwks_uri": self.issuer + "jwks.json",
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    async def _jwks(self, _: Request) -> JSONResponse:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    def mint(
        self,
        username: str,
        *,
        permissions: tuple[str, ...] | None = None,
        audience: str = AUDIENCE,
        expires_in: int = 300,
        key: RSAKey | None = None,
        **extra: Any,
    ) -> str:
        """An access token for ``auth0|<username>``, shaped like Auth0's."""
        now = int(time.time())
        granted = USER_PERMISSIONS.get(username, ()) if permissions is None else permissions
        claims = {
            "iss": self.issuer,
            "sub": f"auth0|{username}",
            "aud": [audience, self.issuer + "userinfo"],
            "azp": "baton-cli",
            "iat": now,
            "exp": now + expires_in,
            "scope": " ".join(("openid", "profile", *granted)),
            "permissions": list(granted),
            **extra,
        }
        signer = key or self.key
        return jwt.encode(
            {"alg": "RS256", "kid": signer.kid or "local-1", "typ": "at+jwt"}, claims, signer
        )


def tamper(token: str, **changes: Any) -> str:
    """``token`` with payload claims changed but the original signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@contextlib.contextmanager
def running_local_issuer() -> Iterator[LocalIssuer]:
    port = free_port()
    issuer = LocalIssuer(port)
    with serve(issuer.app, port=port):
        yield issuer
