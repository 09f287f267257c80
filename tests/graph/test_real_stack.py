"""The graph with the offline model against the real dev provider, Todos API and MCP server."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph.checkpoint.memory import InMemorySaver

from graph.events import (
    ChatEvent,
    ErrorEvent,
    FinalEvent,
    PlanEvent,
    ToolCallEvent,
    ToolResultEvent,
)
from graph.runner import GraphRunner
from graph.vault import InMemoryVault
from mcp_server.app import create_app
from tests.graph.asgi_count import counting_initializes, is_method, observing_mcp_posts
from tests.graph.conftest import collect, graph_settings
from tests.support.devidp import password_token, running_devidp
from tests.support.mcp import mcp_settings
from tests.support.servers import free_port, serve
from tests.support.todos import running_todos_api

REQUEST = "add a todo to buy milk, then show my todos and my billing"


@dataclass
class Stack:
    idp_url: str
    todos_url: str
    mcp_url: str
    initializes: list[int]
    """``initialize`` requests the MCP server received (one counter in a list)."""


@contextlib.contextmanager
def real_stack(tmp_path: Path, **mcp_overrides: Any) -> Iterator[Stack]:
    port = free_port()
    counter = [0]
    with (
        running_devidp(tmp_path, MCP_PUBLIC_URL=f"http://127.0.0.1:{port}") as idp,
        running_todos_api(tmp_path, idp.issuer) as api,
    ):
        app = create_app(mcp_settings(tmp_path, idp.issuer, api.url, port, **mcp_overrides))
        with serve(counting_initializes(app, counter), port=port) as mcp:
            yield Stack(idp.url, api.url, mcp.url, counter)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    with real_stack(tmp_path) as running:
        yield running


async def run_as(
    tmp_path: Path, stack: Stack, user: str, message: str = REQUEST
) -> tuple[str, list[ChatEvent]]:
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
            message=message,
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
    # Three tool calls in two parallel rounds, one MCP session.
    assert stack.initializes == [1]


async def test_alice_marks_buy_milk_as_done_by_its_title_and_only_that_todo_is_completed(
    tmp_path: Path, stack: Stack
) -> None:
    token, created = await run_as(tmp_path, stack, "alice", "add a todo to buy milk")
    assert isinstance(created[-1], FinalEvent), created[-1]
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=stack.todos_url, headers=headers) as http:
        other = (await http.post("/api/todos", json={"title": "buy oat milk"})).json()

        _, events = await run_as(tmp_path, stack, "alice", "mark buy milk as done")

        todos = (await http.get("/api/todos")).json()["todos"]
    milk = next(t for t in todos if t["title"] == "buy milk")
    assert milk["completed"] is True
    assert next(t for t in todos if t["id"] == other["id"])["completed"] is False
    plan = next(e for e in events if isinstance(e, PlanEvent))
    assert [(s.tool, s.depends_on) for s in plan.steps] == [
        ("list-todos", []),
        ("complete-todo", [plan.steps[0].id]),
    ]
    calls = [(e.tool, e.args) for e in events if isinstance(e, ToolCallEvent)]
    assert calls == [("list-todos", {}), ("complete-todo", {"id": milk["id"]})]
    final = events[-1]
    assert isinstance(final, FinalEvent), final
    assert final.answer == f'I marked "buy milk" as done (id {milk["id"]}).'


async def test_an_id_copied_from_the_todo_list_in_an_answer_completes_that_todo(
    tmp_path: Path, stack: Stack
) -> None:
    token, _ = await run_as(tmp_path, stack, "alice", "add a todo to water the plants")
    _, listed = await run_as(tmp_path, stack, "alice", "show my todos")
    answer = listed[-1]
    assert isinstance(answer, FinalEvent), answer
    line = next(li for li in answer.answer.splitlines() if "water the plants" in li)
    assert line.startswith("- [ ] water the plants (id ") and line.endswith(")")
    todo_id = line.removeprefix("- [ ] water the plants (id ").removesuffix(")")

    _, events = await run_as(tmp_path, stack, "alice", f"complete todo {todo_id}")

    async with httpx.AsyncClient() as http:
        todos = (
            await http.get(
                f"{stack.todos_url}/api/todos", headers={"Authorization": f"Bearer {token}"}
            )
        ).json()["todos"]
    assert [(t["id"], t["completed"]) for t in todos] == [(todo_id, True)]
    final = events[-1]
    assert isinstance(final, FinalEvent), final
    assert final.answer == f'I marked "water the plants" as done (id {todo_id}).'


async def test_bob_gets_no_billing_step_and_is_told_billing_is_not_available(
    tmp_path: Path, stack: Stack
) -> None:
    _, events = await run_as(tmp_path, stack, "bob")

    plan = next(e for e in events if isinstance(e, PlanEvent))
    assert "list-billing" not in [s.tool for s in plan.steps]
    final = events[-1]
    assert isinstance(final, FinalEvent), final
    assert "Billing is not available to you." in final.answer


async def test_a_token_from_an_app_the_mcp_server_does_not_trust_gives_a_clear_error(
    tmp_path: Path,
) -> None:
    # Only the web front end is trusted, so the CLI's token (azp baton-cli) is refused.
    with real_stack(tmp_path, MCP_TRUSTED_AZP="baton-web") as untrusting:
        token, events = await run_as(tmp_path, untrusting, "alice")
    assert len(events) == 1
    error = events[0]
    assert isinstance(error, ErrorEvent)
    assert "The MCP server refused to act on your behalf" in error.message
    assert "trusted application" in error.message  # the server's own reason
    assert token not in error.message and untrusting.initializes == [0]


async def test_a_baton_token_revoked_mid_run_is_re_exchanged_once_at_the_real_server(
    tmp_path: Path,
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    revoked: list[str] = []
    seen: list[int] = []
    exchanges: list[int] = []

    async def revoke_before_the_second_tool_call(headers: dict[str, str], body: bytes) -> None:
        if not is_method(body, "tools/call"):
            return
        seen.append(1)
        if len(seen) == 2 and not revoked:
            token = headers["authorization"].removeprefix("Bearer ")
            async with httpx.AsyncClient() as http:
                answer = await http.post(
                    f"{base}/revoke",
                    data={
                        "token": token,
                        "token_type_hint": "access_token",
                        "client_id": "baton-graph",
                        "client_secret": "dev-insecure-graph-secret",
                    },
                )
            assert answer.status_code == 200, answer.text
            revoked.append(token)

    async def count_exchanges(headers: dict[str, str], body: bytes) -> None:
        if b"token-exchange" in body:
            exchanges.append(1)

    with (
        running_devidp(tmp_path, MCP_PUBLIC_URL=base) as idp,
        running_todos_api(tmp_path, idp.issuer) as api,
    ):
        app = create_app(mcp_settings(tmp_path, idp.issuer, api.url, port))
        watched = observing_mcp_posts(
            observing_mcp_posts(app, revoke_before_the_second_tool_call),
            count_exchanges,
            path="/token",
        )
        with serve(watched, port=port) as mcp:
            stack = Stack(idp.url, api.url, mcp.url, [0])
            token, events = await run_as(tmp_path, stack, "alice")
            async with httpx.AsyncClient() as http:
                todos = (
                    await http.get(
                        f"{api.url}/api/todos", headers={"Authorization": f"Bearer {token}"}
                    )
                ).json()

    assert revoked, "the second tool call never came"
    final = events[-1]
    assert isinstance(final, FinalEvent), final
    assert [t["title"] for t in todos["todos"]] == ["buy milk"]  # no step ran twice
    assert len(exchanges) == 2  # the first, and exactly one after the revocation
    # A call the revocation caught in flight either came back 401 (re-exchanged and replayed
    # by the session's auth) or, past the door already, as a tool error that the critic sent
    # back for one revision; either way every tool's last result succeeded.
    last = {e.tool: e.ok for e in events if isinstance(e, ToolResultEvent)}
    assert last == {"create-todo": True, "list-billing": True, "list-todos": True}
    assert "buy milk" in final.answer


def _items(value: object) -> Iterator[tuple[str, object]]:
    """Every (key, value) pair in nested JSON."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, v
            yield from _items(v)
    elif isinstance(value, list):
        for v in value:
            yield from _items(v)
