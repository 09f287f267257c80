"""``GET /api/me``: who the token speaks for (any valid token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from todos_api.deps import CurrentToken
from todos_api.models import Me
from todos_api.routes.responses import AUTHENTICATED

router = APIRouter(tags=["me"])


def _str(claims: dict[str, Any], name: str) -> str | None:
    value = claims.get(name)
    return value if isinstance(value, str) else None


@router.get("/me", response_model=Me, responses=AUTHENTICATED)
async def me(token: CurrentToken) -> Me:
    claims = token.claims
    verified = claims.get("email_verified")
    return Me(
        sub=token.subject,
        scopes=sorted(token.scopes),
        client_id=token.authorized_party,
        name=_str(claims, "name"),
        nickname=_str(claims, "nickname"),
        email=_str(claims, "email"),
        email_verified=verified if isinstance(verified, bool) else None,
        picture=_str(claims, "picture"),
    )
