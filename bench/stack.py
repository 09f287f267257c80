"""The real identity provider, Todos API and MCP server in-process on free ports, for benchmarks."""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.devidp import password_token, running_devidp
from tests.support.mcp import exchange_token, running_mcp_server
from tests.support.servers import free_port
from tests.support.todos import running_todos_api


@dataclass(frozen=True)
class BenchStack:
    idp_url: str
    todos_url: str
    mcp_url: str

    def auth0_token(self, user: str = "alice") -> str:
        return str(password_token(self.idp_url, user)["access_token"])

    def baton_token(self, user: str = "alice") -> str:
        return exchange_token(self.mcp_url, self.auth0_token(user))


@contextlib.contextmanager
def bench_stack() -> Iterator[BenchStack]:
    # The services log every request at INFO; the figures are the output here.
    logging.getLogger().setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory(prefix="baton-bench-") as tmp:
        root = Path(tmp)
        port = free_port()
        with (
            running_devidp(root, MCP_PUBLIC_URL=f"http://127.0.0.1:{port}") as idp,
            running_todos_api(root, idp.issuer) as api,
            running_mcp_server(root, idp.issuer, api.url, port=port) as mcp,
        ):
            yield BenchStack(idp.url, api.url, mcp.url)
