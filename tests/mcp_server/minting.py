"""Access tokens signed with the dev provider's real key but with chosen claims.

The dev provider only issues well-formed tokens; refusal tests need expired ones,
other audiences and other authorized parties, signed by the trusted key.
"""

from __future__ import annotations

import time
from typing import Any

from joserfc import jwt

from tests.support.devidp import RunningDevIdP


def mint_access_token(idp: RunningDevIdP, **claims: Any) -> str:
    now = int(time.time())
    body: dict[str, Any] = {
        "iss": idp.issuer,
        "sub": "auth0|alice",
        "aud": ["urn:todos-api", idp.issuer + "userinfo"],
        "azp": "baton-cli",
        "iat": now,
        "exp": now + 600,
        "scope": "openid read:todos write:todos read:billing",
        "permissions": ["read:todos", "write:todos", "read:billing"],
    }
    body.update(claims)
    key = idp.provider.key
    return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "at+jwt"}, body, key)
