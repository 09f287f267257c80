"""Sessions and latency: tools from one held MCP session vs ``get_tools()`` (a session per call).

    .venv/bin/python -m tests.graph.measure_sessions [calls]

Starts the test MCP server (``tests.graph.fake_mcp``) on a free port, makes ``calls``
tool calls each way and prints the ``initialize`` requests the server counted and the
mean time per call, as JSON.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from typing import Any

from langchain_mcp_adapters.client import MultiServerMCPClient
from langchain_mcp_adapters.tools import load_mcp_tools

from tests.graph.fake_mcp import FakeMcpState, build_app
from tests.support.servers import ServerThread, free_port

SUBJECT_TOKEN = "measure-subject-token"


async def _calls(tools: list[Any], calls: int) -> float:
    tool = next(t for t in tools if t.name == "list-todos")
    start = time.perf_counter()
    for _ in range(calls):
        await tool.ainvoke({})
    return (time.perf_counter() - start) / calls


async def measure(url: str, state: FakeMcpState, calls: int) -> dict[str, Any]:
    token = "baton_measure"
    state.issued[token] = "auth0|measure"
    connection: Any = {
        "transport": "streamable_http",
        "url": f"{url}/mcp",
        "headers": {"Authorization": f"Bearer {token}"},
    }
    client = MultiServerMCPClient({"baton": connection})

    state.initializes = 0
    async with client.session("baton") as session:
        held_tools = await load_mcp_tools(session)
        held_latency = await _calls(held_tools, calls)
    held = state.initializes

    state.initializes = 0
    per_call_tools = await client.get_tools()
    per_call_latency = await _calls(per_call_tools, calls)
    per_call = state.initializes

    return {
        "tool_calls": calls,
        "held_session": {"initialize_requests": held, "ms_per_call": round(held_latency * 1e3, 2)},
        "get_tools_per_call_session": {
            "initialize_requests": per_call,
            "ms_per_call": round(per_call_latency * 1e3, 2),
        },
    }


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    state = FakeMcpState()
    app = build_app(state, lambda: url)
    # FastMCP turns on INFO logging for everything; the figures are the output here.
    logging.getLogger().setLevel(logging.CRITICAL)
    server = ServerThread(app, port).start()
    try:
        print(json.dumps(asyncio.run(measure(url, state, calls)), indent=2))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
