"""Tool calls from the graph's side: one held MCP session per run (what Baton does) against
`MultiServerMCPClient.get_tools()`, whose tools open a new session for every call.

Both go through the real MCP server, its bearer auth, and the Todos API behind it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from langchain_mcp_adapters.client import MultiServerMCPClient
from langchain_mcp_adapters.tools import load_mcp_tools

from bench.harness import Result, compare
from bench.stack import bench_stack


async def bench() -> list[Result]:
    with bench_stack() as stack:
        token = await asyncio.to_thread(stack.baton_token, "alice")
        connection: Any = {
            "transport": "streamable_http",
            "url": f"{stack.mcp_url}/mcp",
            "headers": {"Authorization": f"Bearer {token}"},
        }
        client = MultiServerMCPClient({"baton": connection})
        per_call_tools = await client.get_tools()
        per_call = next(t for t in per_call_tools if t.name == "list-todos")
        async with client.session("baton") as session:
            held_tools = await load_mcp_tools(session)
            held = next(t for t in held_tools if t.name == "list-todos")

            async def one_session_per_call() -> object:
                return await per_call.ainvoke({})

            async def held_session() -> object:
                return await held.ainvoke({})

            return [
                await compare(
                    "list-todos through the MCP server as alice",
                    ("get_tools(): a new MCP session per call", one_session_per_call),
                    ("one held MCP session per run (Baton)", held_session),
                    n=20,
                    rounds=3,
                    unit="call",
                )
            ]
