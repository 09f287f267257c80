"""Liveness (``/healthz``) and readiness (``/readyz``: the issuer, the MCP server and the
Todos API all answer)."""

from __future__ import annotations

import asyncio
from typing import Literal

import httpx
from fastapi import APIRouter
from pydantic import BaseModel
from starlette.responses import JSONResponse

from api.deps import ServicesDep
from api.errors import PROBLEM_JSON, problem_response

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Check(BaseModel):
    name: str
    url: str
    ok: bool
    detail: str = ""


class Readiness(BaseModel):
    status: Literal["ready"] = "ready"
    checks: list[Check]


class NotReady(BaseModel):
    type: str = "about:blank"
    title: str = "Service Unavailable"
    status: int = 503
    detail: str
    checks: list[Check]


@router.get("/healthz", response_model=Health, summary="Liveness")
async def healthz() -> Health:
    return Health()


async def _check(http: httpx.AsyncClient, name: str, url: str, limit: float) -> Check:
    try:
        response = await http.get(url, timeout=limit)
    except httpx.HTTPError as exc:
        return Check(name=name, url=url, ok=False, detail=f"unreachable ({type(exc).__name__})")
    if response.status_code != 200:
        return Check(name=name, url=url, ok=False, detail=f"answered {response.status_code}")
    return Check(name=name, url=url, ok=True)


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Readiness: the issuer, the MCP server and the Todos API answer",
    responses={503: {"model": NotReady, "content": {PROBLEM_JSON: {}}}},
)
async def readyz(services: ServicesDep) -> Readiness | JSONResponse:
    settings = services.settings
    targets = {
        "issuer": services.discovery.url,
        "mcp_server": settings.mcp_public_url.rstrip("/") + "/healthz",
        "todos_api": settings.api_base_url.rstrip("/") + "/api/health",
    }
    checks = list(
        await asyncio.gather(
            *(
                _check(services.http, name, url, settings.readiness_timeout)
                for name, url in targets.items()
            )
        )
    )
    failed = [c.name for c in checks if not c.ok]
    if failed:
        return problem_response(
            503,
            "Not ready: " + ", ".join(failed) + " did not answer.",
            code="not_ready",
            checks=[c.model_dump() for c in checks],
        )
    return Readiness(checks=checks)
