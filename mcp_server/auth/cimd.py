"""Client ID Metadata Documents: a client id that is an https URL naming its own metadata.

The document is fetched by this server, so the fetch is an SSRF risk: only https
(http only for loopback in development), no redirects, every resolved address must
be public (loopback/private allowed only in development), a size cap and a timeout.
The address check happens before connecting; a DNS answer that changes between the
check and the connect is a residual risk, narrowed by the short timeout.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
from typing import Any
from urllib.parse import urlsplit

import httpx

from mcp_server.auth.clients import redirect_uri_problem

MAX_DOCUMENT_BYTES = 16 * 1024
FETCH_TIMEOUT = 5.0


class CimdError(Exception):
    """The client id URL or its document is unusable; the message is safe to show."""


def looks_like_cimd(client_id: str) -> bool:
    return client_id.startswith(("https://", "http://"))


def _check_url(url: str, *, development: bool) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme == "http" and not (
        development and parts.hostname in {"127.0.0.1", "localhost"}
    ):
        raise CimdError("client id URLs must use https")
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise CimdError("client id is not an https URL")
    if parts.username or parts.password or parts.fragment:
        raise CimdError("client id URL must not carry credentials or a fragment")
    if parts.path in {"", "/"} or "/./" in parts.path or "/../" in parts.path:
        raise CimdError("client id URL must have a path naming the document")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.hostname, port


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


async def _check_addresses(host: str, port: int, *, development: bool) -> None:
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), FETCH_TIMEOUT
        )
    except (OSError, TimeoutError) as exc:
        raise CimdError("client id host does not resolve") from exc
    addresses = {str(info[4][0]) for info in infos}
    if not addresses:
        raise CimdError("client id host does not resolve")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if development and ip.is_loopback:
            continue
        if not _public(address):
            raise CimdError("client id host resolves to a non-public address")


class CimdFetcher:
    """Fetches and validates Client ID Metadata Documents."""

    def __init__(self, http: httpx.AsyncClient, *, development: bool) -> None:
        self._http = http
        self._development = development

    async def fetch(self, client_id: str) -> dict[str, Any]:
        """The validated metadata of ``client_id`` (public client: auth method ``none``)."""
        host, port = _check_url(client_id, development=self._development)
        await _check_addresses(host, port, development=self._development)
        body = await self._download(client_id)
        try:
            doc = json.loads(body)
        except ValueError as exc:
            raise CimdError("client metadata document is not JSON") from exc
        return self._validate(client_id, doc)

    async def _download(self, url: str) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            async with self._http.stream(
                "GET",
                url,
                headers={"Accept": "application/json"},
                follow_redirects=False,
                timeout=FETCH_TIMEOUT,
            ) as response:
                if response.status_code != 200:
                    raise CimdError(
                        f"client metadata document answered HTTP {response.status_code}"
                    )
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > MAX_DOCUMENT_BYTES:
                        raise CimdError("client metadata document is too large")
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise CimdError("client metadata document could not be fetched") from exc
        return b"".join(chunks)

    def _validate(self, client_id: str, doc: Any) -> dict[str, Any]:
        if not isinstance(doc, dict):
            raise CimdError("client metadata document is not a JSON object")
        if doc.get("client_id") != client_id:
            raise CimdError("client metadata document names a different client_id")
        method = doc.get("token_endpoint_auth_method", "none")
        if method != "none":
            raise CimdError("only public clients (token_endpoint_auth_method none) are supported")
        if "client_secret" in doc or "client_secret_expires_at" in doc:
            raise CimdError("client metadata documents must not contain secrets")
        uris = doc.get("redirect_uris")
        if not isinstance(uris, list) or not uris or not all(isinstance(u, str) for u in uris):
            raise CimdError("client metadata document needs redirect_uris")
        for uri in uris:
            problem = redirect_uri_problem(uri)
            if problem:
                raise CimdError(problem)
        grant_types = doc.get("grant_types", ["authorization_code", "refresh_token"])
        return {
            **{k: v for k, v in doc.items() if k in _KEPT},
            "client_id": client_id,
            "token_endpoint_auth_method": "none",
            "grant_types": grant_types if isinstance(grant_types, list) else ["authorization_code"],
            "response_types": ["code"],
        }


_KEPT = frozenset(
    {
        "redirect_uris",
        "client_name",
        "client_uri",
        "logo_uri",
        "scope",
        "contacts",
        "tos_uri",
        "policy_uri",
        "software_id",
        "software_version",
    }
)
