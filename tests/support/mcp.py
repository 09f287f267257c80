"""The MCP server for tests: real uvicorn on a free 127.0.0.1 port.

    port = free_port()
    with running_devidp(tmp_path, MCP_PUBLIC_URL=f"http://127.0.0.1:{port}") as idp, \\
         running_todos_api(tmp_path, idp.issuer) as api, \\
         running_mcp_server(tmp_path, idp.issuer, api.url, port=port) as mcp:
        token = exchange_token(mcp.url, password_token(idp.url, "alice")["access_token"])
        # mcp.mcp_url (streamable HTTP), mcp.sse_url (legacy SSE)

The dev provider must know the MCP server's public URL before it starts (it
registers ``{MCP_PUBLIC_URL}/callback``), hence the port chosen first. Overrides
use setting names (``MCP_ACCESS_TOKEN_TTL=...``); ``overrides=Overrides(...)``
swaps in hand-written fakes for the upstream or Todos client. Nothing is read
from the environment or ``.env``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from mcp_server.app import Overrides, create_app
from mcp_server.settings import McpServerSettings
from tests.support.servers import ServerThread, free_port

GRAPH_CLIENT_ID = "baton-graph"
GRAPH_CLIENT_SECRET = "dev-insecure-graph-secret"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"


@dataclass
class RunningMcpServer:
    url: str
    """Base URL without a trailing slash (also ``MCP_PUBLIC_URL``)."""
    settings: McpServerSettings
    app: Starlette
    server: ServerThread

    @property
    def mcp_url(self) -> str:
        return self.url + "/mcp"

    @property
    def sse_url(self) -> str:
        return self.url + "/sse"

    @property
    def token_url(self) -> str:
        return self.url + "/token"

    @property
    def grants_file(self) -> Path:
        return Path(self.settings.grants_path)


def mcp_settings(
    tmp_path: Path, issuer: str, api_base_url: str, port: int, **overrides: Any
) -> McpServerSettings:
    values: dict[str, Any] = {
        "NODE_ENV": "development",
        "BATON_DATA_DIR": str(tmp_path / "mcp_server"),
        "AUTH0_DOMAIN": issuer,
        "MCP_HOST": "127.0.0.1",
        "MCP_PORT": port,
        "MCP_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "API_BASE_URL": api_base_url,
        **overrides,
    }
    return McpServerSettings(_env_file=None, **values)


@contextlib.contextmanager
def running_mcp_server(
    tmp_path: Path,
    issuer: str,
    api_base_url: str,
    *,
    port: int | None = None,
    overrides: Overrides | None = None,
    **setting_overrides: Any,
) -> Iterator[RunningMcpServer]:
    """Serve the MCP server until the block ends; state under ``tmp_path / "mcp_server"``."""
    port = port or free_port()
    settings = mcp_settings(tmp_path, issuer, api_base_url, port, **setting_overrides)
    app = create_app(settings, overrides)
    server = ServerThread(app, port=port).start()
    try:
        yield RunningMcpServer(
            url=f"http://127.0.0.1:{port}", settings=settings, app=app, server=server
        )
    finally:
        server.stop()


def exchange_request(
    mcp_url: str,
    subject_token: str,
    *,
    client_id: str = GRAPH_CLIENT_ID,
    client_secret: str | None = GRAPH_CLIENT_SECRET,
    scope: str | None = None,
    basic: bool = False,
) -> httpx.Response:
    """POST an RFC 8693 token exchange to ``{mcp_url}/token`` the way the graph does."""
    base = mcp_url.rstrip("/").removesuffix("/mcp").removesuffix("/sse")
    form = {
        "grant_type": TOKEN_EXCHANGE,
        "subject_token": subject_token,
        "subject_token_type": ACCESS_TOKEN_TYPE,
        "resource": base + "/mcp",
    }
    if scope is not None:
        form["scope"] = scope
    auth = None
    if basic and client_secret is not None:
        auth = httpx.BasicAuth(client_id, client_secret)
    else:
        form["client_id"] = client_id
        if client_secret is not None:
            form["client_secret"] = client_secret
    return httpx.post(base + "/token", data=form, auth=auth, timeout=10)


def exchange_token(mcp_url: str, subject_token: str, **kwargs: Any) -> str:
    """A Baton access token for the user of ``subject_token`` (raises if refused)."""
    response = exchange_request(mcp_url, subject_token, **kwargs)
    response.raise_for_status()
    return str(response.json()["access_token"])


__all__ = [
    "ACCESS_TOKEN_TYPE",
    "GRAPH_CLIENT_ID",
    "GRAPH_CLIENT_SECRET",
    "TOKEN_EXCHANGE",
    "RunningMcpServer",
    "exchange_request",
    "exchange_token",
    "mcp_settings",
    "running_mcp_server",
]
