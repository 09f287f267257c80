"""A failing issuer is not hammered: JWKS fetch failures back off."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from identity.discovery import JWKSCache, OIDCDiscovery
from identity.errors import IssuerUnavailable

ISSUER = "http://issuer.test/"


def _failing_issuer(calls: list[str]) -> Starlette:
    async def discovery(request: Request) -> JSONResponse:
        calls.append("discovery")
        return JSONResponse({"issuer": ISSUER, "jwks_uri": ISSUER + "jwks"})

    async def jwks(request: Request) -> JSONResponse:
        calls.append("jwks")
        return JSONResponse({"error": "down"}, status_code=503)

    return Starlette(
        routes=[Route("/.well-known/openid-configuration", discovery), Route("/jwks", jwks)]
    )


async def test_requests_during_an_issuer_outage_fail_fast_without_refetching() -> None:
    calls: list[str] = []
    now = [1000.0]
    transport = httpx.ASGITransport(app=_failing_issuer(calls))
    async with httpx.AsyncClient(transport=transport, base_url=ISSUER) as http:
        cache = JWKSCache(OIDCDiscovery(ISSUER, http), clock=lambda: now[0], failure_backoff=2.0)
        for _ in range(20):
            with pytest.raises(IssuerUnavailable):
                await cache.key_set("some-kid")
        assert calls.count("jwks") == 1

        now[0] += 2.5  # after the backoff, one more attempt
        with pytest.raises(IssuerUnavailable):
            await cache.key_set("some-kid")
        assert calls.count("jwks") == 2
