"""Client ID Metadata Documents: an https client id naming its own metadata, fetched safely."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mcp_server.auth.cimd import CimdError, CimdFetcher
from tests.mcp_server.conftest import Stack
from tests.mcp_server.oauth_steps import Client, list_tools, obtain_code, redeem
from tests.support.servers import free_port, serve


@contextlib.contextmanager
def document_server(make: Any) -> Iterator[str]:
    """Serves ``make(base_url)`` at ``/client.json``; yields the document's URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    async def document(_: Request) -> Response:
        body = make(base + "/client.json")
        return body if isinstance(body, Response) else JSONResponse(body)

    with serve(Starlette(routes=[Route("/client.json", document)]), port=port):
        yield base + "/client.json"


def _metadata(client_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "client_name": "Metadata Document Client",
        "redirect_uris": ["http://127.0.0.1:33418/callback"],
        "token_endpoint_auth_method": "none",
        **extra,
    }


async def test_a_client_known_only_by_its_metadata_document_completes_the_flow(
    stack: Stack,
) -> None:
    with document_server(_metadata) as client_id:
        client = Client(client_id, "http://127.0.0.1:33418/callback")
        grant = await obtain_code(stack.mcp.url, client)
        tokens = redeem(stack.mcp.url, grant)

    assert tokens.status_code == 200, tokens.text
    assert list_tools(stack.mcp.url, tokens.json()["access_token"]).status_code == 200
    consent = next(p for p in grant.browser.pages if p.url.path == "/consent")
    assert "Metadata Document Client" in consent.text


async def test_a_metadata_document_naming_another_client_id_is_refused(stack: Stack) -> None:
    with document_server(
        lambda url: _metadata("https://someone-else.example/client.json")
    ) as client_id:
        response = httpx.get(
            stack.mcp.url + "/authorize",
            params={"client_id": client_id, "response_type": "code", "code_challenge": "x" * 43},
        )

    assert response.status_code == 400
    assert "location" not in response.headers


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/client.json",
        "https://10.1.2.3/client.json",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/client.json",
        "http://example.com/client.json",
        "https://example.com/",
        "https://user:pass@example.com/client.json",
    ],
)
async def test_outside_development_private_targets_and_bad_urls_are_never_fetched(url: str) -> None:
    async with httpx.AsyncClient() as http:
        with pytest.raises(CimdError):
            await CimdFetcher(http, development=False).fetch(url)


async def test_oversized_documents_are_refused() -> None:
    big = lambda url: _metadata(url, client_name="x" * 100_000)  # noqa: E731
    with document_server(big) as client_id:
        async with httpx.AsyncClient() as http:
            with pytest.raises(CimdError, match="too large"):
                await CimdFetcher(http, development=True).fetch(client_id)


async def test_redirects_are_not_followed() -> None:
    moved = lambda url: Response(status_code=302, headers={"location": "http://169.254.169.254/"})  # noqa: E731
    with document_server(moved) as client_id:
        async with httpx.AsyncClient() as http:
            with pytest.raises(CimdError, match="302"):
                await CimdFetcher(http, development=True).fetch(client_id)


async def test_documents_with_secrets_or_confidential_auth_are_refused() -> None:
    for extra in ({"client_secret": "s"}, {"token_endpoint_auth_method": "client_secret_post"}):
        with document_server(lambda url, extra=extra: _metadata(url, **extra)) as client_id:
            async with httpx.AsyncClient() as http:
                with pytest.raises(CimdError):
                    await CimdFetcher(http, development=True).fetch(client_id)
