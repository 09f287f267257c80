"""``GET /api/me``: who the caller is, and (for cookie sessions) the CSRF token that
state-changing requests must echo."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import CurrentUser
from api.errors import error_responses

router = APIRouter(prefix="/api", tags=["me"])


class Me(BaseModel):
    sub: str = Field(description="The user's subject at the identity provider.")
    name: str
    email: str | None = None
    auth: Literal["session", "bearer"] = Field(description="How this request was authenticated.")
    csrf_token: str | None = Field(
        None, description="Send as `X-CSRF-Token` on POST/DELETE with the session cookie."
    )


@router.get("/me", response_model=Me, responses=error_responses(401), summary="The caller")
async def me(user: CurrentUser) -> Me:
    return Me(
        sub=user.subject,
        name=user.name,
        email=user.email,
        auth=user.via,
        csrf_token=user.session.csrf_token if user.session else None,
    )
