"""MCP client sessions for tests (the official Python SDK client)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Literal

import httpx
from mcp import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

Transport = Literal["http", "sse"]


@contextlib.asynccontextmanager
async def mcp_session(
    base_url: str, transport: Transport, *, token: str | None = None, auth: httpx.Auth | None = None
) -> AsyncIterator[ClientSession]:
    """An initialized session with ``base_url``'s ``/mcp`` or ``/sse`` endpoint."""
    headers = {"Authorization": f"Bearer {token}"} if token else None
    if transport == "http":
        async with (
            httpx.AsyncClient(
                headers=headers, auth=auth, timeout=httpx.Timeout(30, read=60)
            ) as http,
            streamable_http_client(base_url + "/mcp", http_client=http) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            yield session
    else:
        async with (
            sse_client(base_url + "/sse", headers=headers, auth=auth) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            yield session


async def tool_names(session: ClientSession) -> set[str]:
    return {tool.name for tool in (await session.list_tools()).tools}
