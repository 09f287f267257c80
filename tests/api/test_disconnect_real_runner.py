"""A client that disconnects cancels its run, with the real graph behind the front end.

The front end (uvicorn on 127.0.0.1) runs the real ``GraphRunner`` with the offline
model against the graph tests' fake MCP server, wrapped so that a call of the billing
tool is held at the server until its client connection closes (or a deadline passes,
in which case the call goes through and the hold counts as not abandoned).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx

from graph.runner import GraphRunner
from graph.settings import GraphSettings
from graph.vault import default_vault
from identity.asgi import replay_body
from tests.api.support import frontend_settings, running_frontend
from tests.graph.fake_mcp import FakeMcpState, Receive, Scope, Send, build_app
from tests.support.devidp import RunningDevIdP, password_token
from tests.support.servers import free_port, serve

HELD_TOOL = "list-billing"
DEADLINE = 8.0


@dataclass
class HeldToolCalls:
    """ASGI wrapper of an MCP server: records every ``tools/call`` and holds those of
    ``HELD_TOOL`` until the client goes away (``abandoned``) or ``hold_for`` passes."""

    inner: Callable[..., Any]
    hold_for: float = DEADLINE
    called: list[str] = field(default_factory=list)
    entered: threading.Event = field(default_factory=threading.Event)
    abandoned: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.inner(scope, receive, send)
            return
        body = await _read(receive)
        name = _tool_called(body)
        if name is not None:
            self.called.append(name)
        if name == HELD_TOOL:
            self.entered.set()
            with anyio.move_on_after(self.hold_for):
                while (await receive())["type"] != "http.disconnect":
                    pass
                self.abandoned.set()
                return
            self.finished.set()
        await self.inner(scope, replay_body(body, receive), send)


def _tool_called(body: bytes) -> str | None:
    try:
        message = json.loads(body)
    except ValueError:
        return None
    if isinstance(message, dict) and message.get("method") == "tools/call":
        return str(message["params"]["name"])
    return None


async def _read(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.01)


def test_a_client_that_disconnects_mid_tool_call_cancels_the_real_graphs_run(
    tmp_path: Path, idp: RunningDevIdP, frontend_port: int
) -> None:
    token = password_token(idp.url, "alice")["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    mcp_port = free_port()
    mcp_url = f"http://127.0.0.1:{mcp_port}"
    state = FakeMcpState(subjects={token: "alice"}, billing={"alice": {"plan": "Pro"}})
    mcp = HeldToolCalls(build_app(state, lambda: mcp_url))
    settings = frontend_settings(
        tmp_path / "fe", port=frontend_port, issuer_url=idp.url, MCP_PUBLIC_URL=mcp_url
    )
    graph_settings = GraphSettings(
        _env_file=None,  # type: ignore[call-arg]
        NODE_ENV="development",
        BATON_DATA_DIR=str(tmp_path / "graph"),
        AUTH0_DOMAIN="",
        DEVIDP_PUBLIC_URL=idp.url,
        MCP_PUBLIC_URL=mcp_url,
        OPENAI_API_KEY="",
    )
    with (
        serve(mcp, port=mcp_port),
        running_frontend(settings, graph_settings=graph_settings) as frontend,
    ):
        services = frontend.app.state.services
        runner = services.runner
        assert isinstance(runner, GraphRunner)
        subject = httpx.get(frontend.url + "/api/me", headers=bearer).json()["sub"]

        with (
            httpx.Client(timeout=DEADLINE) as client,
            client.stream(
                "POST",
                frontend.url + "/api/chat",
                json={"message": "Show my billing"},
                headers=bearer,
            ) as response,
        ):
            assert response.status_code == 200
            thread_id = response.headers["x-thread-id"]
            # Held in a name: a dropped iterator is closed, which closes the connection.
            chunks = response.iter_text()
            seen = ""
            for chunk in chunks:
                seen += chunk
                if "event: tool_call" in seen:
                    break
            assert "event: tool_call" in seen, seen
            assert mcp.entered.wait(DEADLINE), "the tool call never reached the MCP server"
            (run_key,) = runner.sessions.open_runs()
            handle = run_key.partition(":")[2]
            assert default_vault().get(handle, subject=subject) == token
            assert thread_id in services.busy_threads
            # Leaving the block closes the connection mid-stream.

        assert mcp.abandoned.wait(DEADLINE), "the MCP server never saw the held call go away"
        wait_until(lambda: not runner.sessions.open_runs(), "the run's MCP session is closed")
        wait_until(lambda: thread_id not in services.busy_threads, "the thread is free")
        assert default_vault().get(handle, subject=subject) is None
        assert mcp.called == [HELD_TOOL] and not mcp.finished.is_set()
        assert state.tool_calls == []
        thread = httpx.get(f"{frontend.url}/api/threads/{thread_id}", headers=bearer).json()
        assert [m["role"] for m in thread["messages"]] == ["user"], "the run went on to answer"

        again = httpx.post(
            frontend.url + "/api/chat",
            json={"message": "Who am I?", "thread_id": thread_id},
            headers={**bearer, "Accept": "application/json"},
            timeout=DEADLINE,
        )

    assert again.status_code == 200, again.text
    assert again.json()["thread_id"] == thread_id
    assert mcp.called == [HELD_TOOL, "whoami"]
