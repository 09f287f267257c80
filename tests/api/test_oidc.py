"""The OIDC client against providers unlike the dev one: an ``end_session_endpoint``,
RFC 8707 ``resource`` instead of ``audience``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.oidc import OidcClient
from identity.discovery import OIDCDiscovery
from tests.api.support import RunningFrontend, ScriptedRunner, frontend_settings, running_frontend
from tests.support.devidp import RunningDevIdP

ISSUER = "https://login.example.com/"


def discovery_app(doc: dict[str, str]) -> Starlette:
    async def openid_configuration(_: Request) -> JSONResponse:
        return JSONResponse(doc)

    return Starlette(routes=[Route("/.well-known/openid-configuration", openid_configuration)])


def oidc_client(http: httpx.AsyncClient) -> OidcClient:
    return OidcClient(
        issuer=ISSUER,
        client_id="web",
        client_secret="s",
        scope="openid",
        audience="urn:todos-api",
        use_resource_param=False,
        discovery=OIDCDiscovery(ISSUER, http),
        http=http,
    )


async def test_logout_uses_the_discovered_end_session_endpoint() -> None:
    app = discovery_app({"issuer": ISSUER, "end_session_endpoint": ISSUER + "oidc/logout"})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=ISSUER) as http:
        url = await oidc_client(http).logout_url(return_to="https://app.example", id_token="idt")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == ISSUER + "oidc/logout"
    assert parse_qs(parts.query) == {
        "client_id": ["web"],
        "post_logout_redirect_uri": ["https://app.example"],
        "id_token_hint": ["idt"],
    }


async def test_logout_falls_back_to_auth0_v2_logout_without_end_session() -> None:
    app = discovery_app({"issuer": ISSUER})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=ISSUER) as http:
        url = await oidc_client(http).logout_url(return_to="https://app.example", id_token=None)

    assert url == ISSUER + "v2/logout?client_id=web&returnTo=https%3A%2F%2Fapp.example"


async def test_logout_still_works_when_discovery_is_down() -> None:
    async def broken(_: Request) -> JSONResponse:
        return JSONResponse({}, status_code=500)

    app = Starlette(routes=[Route("/.well-known/openid-configuration", broken)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=ISSUER) as http:
        url = await oidc_client(http).logout_url(return_to="https://app.example", id_token=None)

    assert url.startswith(ISSUER + "v2/logout?")


@pytest.fixture
def resource_frontend(
    tmp_path: Path, idp: RunningDevIdP, frontend_port: int
) -> Iterator[RunningFrontend]:
    settings = frontend_settings(
        tmp_path / "fe", port=frontend_port, issuer_url=idp.url, AUTH0_USE_RESOURCE_PARAM=True
    )
    with running_frontend(settings, ScriptedRunner()) as frontend:
        yield frontend


def test_resource_setting_asks_with_rfc8707_resource_instead_of_audience(
    resource_frontend: RunningFrontend,
) -> None:
    answer = httpx.get(resource_frontend.url + "/auth/login")

    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["resource"] == ["urn:todos-api"]
    assert "audience" not in query
