"""The graph with the offline model against the real dev provider, Todos API and MCP server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from langgraph.checkpoint.memory import InMemorySaver

from graph.events import ChatEvent, FinalEvent, PlanEvent, ToolCallEvent
from graph.runner import GraphRunner
from graph.vault import InMemoryVault
from tests.graph.conftest import collect, graph_settings
from tests.support.devidp import password_token, running_devidp
from tests.support.mcp import running_mcp_server
from tests.support.servers import free_port
from tests.support.todos import running_todos_api

REQUEST = "add a todo to buy milk, then show my todos and my billing"


@dataclass
class Stack:
    idp_url: str
    todos_url: str
    mcp_url: str


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    port = free_port()
    with (
        running_devidp(tmp_path, MCP_PUBLIC_URL=f"http://127.0.0.1:{port}") as idp,
        running_todos_api(tmp_path, idp.issuer) as api,
        running_mcp_server(tmp_path, idp.issuer, api.url, port=port) as mcp,
    ):
        yield Stack(idp.url, api.url, mcp.url)


async def run_as(tmp_path: Path, stack: Stack, user: str) -> tuple[str, list[ChatEvent]]:
    token = password_token(stack.idp_url, user)["access_token"]
    runner = GraphRunner(
        graph_settings(tmp_path, stack.mcp_url), checkpointer=InMemorySaver(), vault=InMemoryVault()
    )
    try:
        events = await collect(
            runner,
            user_id=f"auth0|{user}",
            user_name=user.title(),
            access_token=token,
            message=REQUEST,
            thread_id=f"thread-{user}",
        )
    finally:
        await runner.aclose()
    return token, events


async def test_alice_gets_the_todo_created_and_an_answer_naming_it_and_her_billing(
    tmp_path: Path, stack: Stack
) -> None:
    token, events = await run_as(tmp_path, stack, "alice")

    final = events[-1]
    assert isinstance(final, FinalEvent), final
    async with httpx.AsyncClient() as http:
        todos = (
            await http.get(
                f"{stack.todos_url}/api/todos", headers={"Authorization": f"Bearer {token}"}
            )
        ).json()
        billing = (
            await http.get(
                f"{stack.todos_url}/api/billing", headers={"Authorization": f"Bearer {token}"}
            )
        ).json()
    items = todos["todos"] if isinstance(todos, dict) else todos
    assert "buy milk" in [t["title"] for t in items]
    assert "buy milk" in final.answer
    figures = [billing["plan"]] + [
        f"{value / 100:.2f}"
        for key, value in _items(billing)
        if key.endswith("_cents") and isinstance(value, int)
    ]
    assert len(figures) > 2 and all(f in final.answer for f in figures), (figures, final.answer)
    assert {e.tool for e in events if isinstance(e, ToolCallEvent)} == {
        "create-todo",
        "list-todos",
        "list-billing",
    }


async def test_bob_gets_no_billing_step_and_is_told_billing_is_not_available(
    tmp_path: Path, stack: Stack
) -> None:
    _, events = await run_as(tmp_path, stack, "bob")

    plan = next(e for e in events if isinstance(e, PlanEvent))
    assert "list-billing" not in [s.tool for s in plan.steps]
    final = events[-1]
    assert isinstance(final, FinalEvent), final
    assert "Billing is not available to you." in final.answer


def _items(value: object) -> Iterator[tuple[str, object]]:
    """Every (key, value) pair in nested JSON."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, v
            yield from _items(v)
    elif isinstance(value, list):
        for v in value:
            yield from _items(v)
