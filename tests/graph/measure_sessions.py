"""Sessions and latency: tools from one held MCP session vs ``get_tools()`` (a session per call).

    .venv/bin/python -m tests.graph.measure_sessions [calls] [--real]

Serves an MCP server on a free port (the test server of ``tests.graph.fake_mcp``, or
with ``--real`` Baton's own MCP server with the dev identity provider and Todos API,
using an exchanged token for alice), makes ``calls`` calls of ``list-todos`` each way
and prints, as JSON, the ``initialize`` requests the server counted and the mean time
per call.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from langchain_mcp_adapters.client import MultiServerMCPClient
from langchain_mcp_adapters.tools import load_mcp_tools

from tests.graph.fake_mcp import FakeMcpState, build_app
from tests.support.servers import ServerThread, free_port, serve


async def _calls(tools: list[Any], calls: int) -> float:
    tool = next(t for t in tools if t.name == "list-todos")
    start = time.perf_counter()
    for _ in range(calls):
        await tool.ainvoke({})
    return (time.perf_counter() - start) / calls


async def measure(
    mcp_url: str, bearer: str, initializes: Callable[[], int], calls: int
) -> dict[str, Any]:
    """Both ways against ``mcp_url``; ``initializes()`` reads the server's running count."""
    connection: Any = {
        "transport": "streamable_http",
        "url": mcp_url,
        "headers": {"Authorization": f"Bearer {bearer}"},
    }
    client = MultiServerMCPClient({"baton": connection})

    before = initializes()
    async with client.session("baton") as session:
        held_latency = await _calls(await load_mcp_tools(session), calls)
    held = initializes() - before

    before = initializes()
    per_call_latency = await _calls(await client.get_tools(), calls)
    per_call = initializes() - before

    return {
        "tool_calls": calls,
        "held_session": {"initialize_requests": held, "ms_per_call": round(held_latency * 1e3, 2)},
        "get_tools_per_call_session": {
            "initialize_requests": per_call,
            "ms_per_call": round(per_call_latency * 1e3, 2),
        },
    }


@contextlib.contextmanager
def fake_server() -> Iterator[tuple[str, str, Callable[[], int]]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    state = FakeMcpState()
    state.issued["baton_measure"] = state.every_token["baton_measure"] = "auth0|measure"
    server = ServerThread(build_app(state, lambda: url), port).start()
    try:
        yield f"{url}/mcp", "baton_measure", lambda: state.initializes
    finally:
        server.stop()


@contextlib.contextmanager
def real_server() -> Iterator[tuple[str, str, Callable[[], int]]]:
    from mcp_server.app import create_app
    from tests.graph.asgi_count import counting_initializes
    from tests.support.devidp import password_token, running_devidp
    from tests.support.mcp import exchange_token, mcp_settings
    from tests.support.todos import running_todos_api

    tmp = Path(tempfile.mkdtemp(prefix="baton-measure-"))
    port = free_port()
    counter = [0]
    with (
        running_devidp(tmp, MCP_PUBLIC_URL=f"http://127.0.0.1:{port}") as idp,
        running_todos_api(tmp, idp.issuer) as api,
    ):
        app = create_app(mcp_settings(tmp, idp.issuer, api.url, port))
        with serve(counting_initializes(app, counter), port=port) as mcp:
            token = exchange_token(mcp.url, password_token(idp.url, "alice")["access_token"])
            yield f"{mcp.url}/mcp", token, lambda: counter[0]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    calls = int(args[0]) if args else 10
    servers = real_server if "--real" in sys.argv else fake_server
    with servers() as (url, bearer, initializes):
        # The servers turn on INFO logging for everything; the figures are the output here.
        logging.getLogger().setLevel(logging.CRITICAL)
        print(json.dumps(asyncio.run(measure(url, bearer, initializes, calls)), indent=2))


if __name__ == "__main__":
    main()
