"""The real stack for the front end's integration tests: dev provider, Todos API, MCP
server and the front end running the real graph with the offline model."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.settings import GraphSettings
from tests.api.support import RunningFrontend, frontend_settings, running_frontend
from tests.support.devidp import RunningDevIdP, running_devidp
from tests.support.mcp import RunningMcpServer, running_mcp_server
from tests.support.servers import free_port
from tests.support.todos import RunningTodosApi, running_todos_api


@dataclass
class Stack:
    idp: RunningDevIdP
    todos: RunningTodosApi
    mcp: RunningMcpServer
    frontend: RunningFrontend


@contextlib.contextmanager
def running_stack(tmp_path: Path) -> Iterator[Stack]:
    frontend_port, mcp_port = free_port(), free_port()
    with (
        running_devidp(
            tmp_path / "idp",
            FRONTEND_PUBLIC_URL=f"http://127.0.0.1:{frontend_port}",
            MCP_PUBLIC_URL=f"http://127.0.0.1:{mcp_port}",
        ) as idp,
        running_todos_api(tmp_path, idp.issuer) as todos,
        running_mcp_server(tmp_path, idp.issuer, todos.url, port=mcp_port) as mcp,
    ):
        settings = frontend_settings(
            tmp_path / "fe",
            port=frontend_port,
            issuer_url=idp.url,
            API_BASE_URL=todos.url,
            MCP_PUBLIC_URL=mcp.url,
        )
        graph_settings = GraphSettings(
            _env_file=None,
            NODE_ENV="development",
            BATON_DATA_DIR=str(tmp_path / "graph"),
            AUTH0_DOMAIN="",
            DEVIDP_PUBLIC_URL=idp.url,
            MCP_PUBLIC_URL=mcp.url,
            OPENAI_API_KEY="",
        )
        with running_frontend(settings, graph_settings=graph_settings) as frontend:
            yield Stack(idp=idp, todos=todos, mcp=mcp, frontend=frontend)
