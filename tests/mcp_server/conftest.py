"""A whole upstream for the MCP server: dev identity provider, Todos API, MCP server."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mcp_server.app import Overrides
from tests.support.devidp import RunningDevIdP, running_devidp
from tests.support.mcp import RunningMcpServer, running_mcp_server
from tests.support.redis_server import REDIS_SERVER, running_redis
from tests.support.servers import free_port
from tests.support.todos import RunningTodosApi, running_todos_api


@dataclass
class Stack:
    idp: RunningDevIdP
    api: RunningTodosApi
    mcp: RunningMcpServer


@contextlib.contextmanager
def running_stack(
    tmp_path: Path,
    *,
    idp_settings: dict[str, Any] | None = None,
    overrides: Overrides | None = None,
    **mcp_settings: Any,
) -> Iterator[Stack]:
    port = free_port()
    with (
        running_devidp(
            tmp_path, MCP_PUBLIC_URL=f"http://127.0.0.1:{port}", **(idp_settings or {})
        ) as idp,
        running_todos_api(tmp_path, idp.issuer) as api,
        running_mcp_server(
            tmp_path, idp.issuer, api.url, port=port, overrides=overrides, **mcp_settings
        ) as mcp,
    ):
        yield Stack(idp=idp, api=api, mcp=mcp)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One throwaway redis-server for the session; tests keep apart by key prefix."""
    if not REDIS_SERVER:
        pytest.skip("redis-server is not installed")
    with running_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    with running_stack(tmp_path) as running:
        yield running
