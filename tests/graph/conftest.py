"""Fixtures of the graph tests: a fake MCP server with token exchange, settings, a runner."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.events import ChatEvent
from graph.runner import GraphRunner
from graph.settings import GraphSettings
from graph.vault import InMemoryVault
from tests.graph.fake_mcp import FakeMcpState, build_app
from tests.support.servers import ServerThread, free_port

ALICE_TOKEN = "auth0-token-of-alice-" + "x" * 20
BOB_TOKEN = "auth0-token-of-bob-" + "y" * 20


class RecordingVault(InMemoryVault):
    """The real vault, remembering which handles it issued."""

    def __init__(self) -> None:
        super().__init__()
        self.handles: list[tuple[str, str]] = []

    def put(self, token: str, *, subject: str, ttl: float) -> str:
        handle = super().put(token, subject=subject, ttl=ttl)
        self.handles.append((handle, subject))
        return handle


@dataclass
class FakeMcp:
    url: str
    state: FakeMcpState


@pytest.fixture
def fake_mcp() -> Iterator[FakeMcp]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    state = FakeMcpState(
        subjects={ALICE_TOKEN: "auth0|alice", BOB_TOKEN: "auth0|bob"},
        billing={"auth0|alice": {"plan": "Pro", "amount_due": "42.00", "currency": "USD"}},
    )
    server = ServerThread(build_app(state, lambda: url), port).start()
    try:
        yield FakeMcp(url, state)
    finally:
        server.stop()


def graph_settings(tmp_path: Path, mcp_url: str, **overrides: object) -> GraphSettings:
    return GraphSettings(
        _env_file=None,  # type: ignore[call-arg]
        BATON_DATA_DIR=tmp_path,
        MCP_PUBLIC_URL=mcp_url,
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture
def settings(tmp_path: Path, fake_mcp: FakeMcp) -> GraphSettings:
    return graph_settings(tmp_path, fake_mcp.url)


async def collect(runner: GraphRunner, **kwargs: str) -> list[ChatEvent]:
    return [event async for event in runner.stream(**kwargs)]


def alice_turn(message: str, thread_id: str = "t1") -> dict[str, str]:
    return {
        "user_id": "auth0|alice",
        "user_name": "Alice",
        "access_token": ALICE_TOKEN,
        "message": message,
        "thread_id": thread_id,
    }
