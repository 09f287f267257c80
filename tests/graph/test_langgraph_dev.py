"""The graph under ``langgraph dev``: studio auth, the user's own tools, owners, no stored token."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client

from tests.graph.langgraph_dev import LanggraphDev, start_langgraph_dev
from tests.support.devidp import password_token, running_devidp
from tests.support.mcp import running_mcp_server
from tests.support.servers import free_port
from tests.support.todos import running_todos_api

REQUEST = "add a todo to buy milk, then show my todos and my billing"


def human(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "human", "content": text}]}


@dataclass
class Studio:
    server: LanggraphDev
    idp_url: str
    todos_url: str


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[Studio]:
    port = free_port()
    with (
        running_devidp(tmp_path, MCP_PUBLIC_URL=f"http://127.0.0.1:{port}") as idp,
        running_todos_api(tmp_path, idp.issuer) as api,
        running_mcp_server(tmp_path, idp.issuer, api.url, port=port) as mcp,
    ):
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AUTH0_", "OPENAI_", "DEVIDP_", "MCP_", "GRAPH_", "BATON_"))
        }
        env.update(
            NODE_ENV="development",
            BATON_DATA_DIR=str(tmp_path / "graph"),
            DEVIDP_PUBLIC_URL=idp.url,
            MCP_PUBLIC_URL=mcp.url,
        )
        server = start_langgraph_dev(tmp_path / "studio", env)
        try:
            yield Studio(server, idp.url, api.url)
        finally:
            server.stop()


async def test_a_run_with_alice_token_uses_her_tools_and_stores_no_token_anywhere(
    studio: Studio,
) -> None:
    alice = password_token(studio.idp_url, "alice")["access_token"]
    bob = password_token(studio.idp_url, "bob")["access_token"]
    as_alice = get_client(url=studio.server.url, headers={"Authorization": f"Bearer {alice}"})
    as_bob = get_client(url=studio.server.url, headers={"Authorization": f"Bearer {bob}"})
    anonymous = get_client(url=studio.server.url, headers={"Authorization": ""})

    thread = await as_alice.threads.create()
    custom: list[dict[str, object]] = []
    async for part in as_alice.runs.stream(
        thread["thread_id"],
        "baton",
        input=human(REQUEST),
        stream_mode=["custom", "values"],
    ):
        if part.event == "custom":
            custom.append(part.data)
        assert part.event != "error", part.data
    state: Any = await as_alice.threads.get_state(thread["thread_id"])
    answer = state["values"]["messages"][-1]["content"]
    assert "buy milk" in answer and "Business" in answer, answer
    assert {e["tool"] for e in custom if e["type"] == "tool_call"} == {
        "create-todo",
        "list-todos",
        "list-billing",
    }
    async with httpx.AsyncClient() as http:
        todos = (
            await http.get(
                f"{studio.todos_url}/api/todos", headers={"Authorization": f"Bearer {alice}"}
            )
        ).json()
    assert "buy milk" in [t["title"] for t in todos["todos"]]

    # Without a token: 401. Bob on alice's thread: 404.
    with pytest.raises(httpx.HTTPStatusError) as anonymous_refused:
        await anonymous.threads.create()
    assert anonymous_refused.value.response.status_code == 401
    with pytest.raises(httpx.HTTPStatusError) as bob_refused:
        await as_bob.threads.get(thread["thread_id"])
    assert bob_refused.value.response.status_code == 404
    with pytest.raises(httpx.HTTPStatusError) as bob_run_refused:
        await as_bob.runs.wait(thread["thread_id"], "baton", input=human("hi"))
    assert bob_run_refused.value.response.status_code == 404

    # The token is nowhere the server keeps things: runs, threads, history, files on disk.
    runs = await as_alice.runs.list(thread["thread_id"])
    stored = repr(runs) + repr(await as_alice.threads.get(thread["thread_id"]))
    stored += repr(await as_alice.threads.get_history(thread["thread_id"], limit=100))
    assert runs and "credential_handle" in repr(runs)  # the handle is what travels
    assert alice not in stored
    for client in (as_alice, as_bob, anonymous):
        await client.http.client.aclose()
    studio.server.stop()  # flushes the in-memory runtime's pickles to disk
    files = [p for p in (studio.server.workdir / ".langgraph_api").rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert alice.encode() not in path.read_bytes(), path
