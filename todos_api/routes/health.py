"""``GET /api/health``: liveness plus whether the store answers (no auth)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from todos_api.deps import Store
from todos_api.models import Health

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "The store is unreachable."}},
)
async def health(store: Store) -> JSONResponse:
    reachable = await store.ping()
    body = Health(
        status="ok" if reachable else "degraded", store="ok" if reachable else "unreachable"
    )
    return JSONResponse(body.model_dump(), status_code=200 if reachable else 503)
