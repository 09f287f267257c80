"""Every path of the mission, together, against the stack as `make run` starts it.

The tests run in file order and carry state through ``world``: what Alice does over MCP
must show up in her chat, Bob must see none of it, and a restart must lose nothing.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client

from tests.api.support import csrf_of, login, parse_sse
from tests.e2e.conftest import World
from tests.graph.langgraph_dev import start_langgraph_dev
from tests.mcp_server.clients import mcp_session, tool_names
from tests.mcp_server.oauth_client import BrowserUser, MemoryTokenStorage, oauth_provider
from tests.support.devidp import password_token

TODO = "water the plants"


def _human(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "human", "content": text}]}


def _chat(world: World, user: str, message: str, thread_id: str | None = None) -> dict[str, object]:
    http = world.browsers[user]
    body: dict[str, object] = {"message": message}
    if thread_id:
        body["thread_id"] = thread_id
    response = http.post(
        world.urls.frontend + "/api/chat",
        json=body,
        headers={"Accept": "application/json", "X-CSRF-Token": csrf_of(http, world.urls.frontend)},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    answer: dict[str, object] = response.json()
    return answer


async def test_a_third_party_mcp_client_signs_in_as_alice_through_consent_and_creates_a_todo(
    world: World,
) -> None:
    user, storage = BrowserUser("alice"), MemoryTokenStorage()
    auth = oauth_provider(world.urls.mcp + "/mcp", user, storage, client_name="e2e-client")
    async with mcp_session(world.urls.mcp, "http", auth=auth) as session:
        names = await tool_names(session)
        created = await session.call_tool("create-todo", {"title": TODO})
    assert "list-billing" in names
    assert not created.isError
    assert any(p.url.path == "/consent" for p in user.browser.pages), "no consent page shown"
    world.mcp_storage["alice"] = storage


def test_alice_sees_the_todo_made_over_mcp_in_the_front_end_chat(world: World) -> None:
    http = httpx.Client(timeout=30)
    world.browsers["alice"] = http
    landing = login(http, world.urls.frontend, "alice")
    assert landing.status_code == 200

    response = http.post(
        world.urls.frontend + "/api/chat",
        json={"message": "show my todos"},
        headers={"Accept": "text/event-stream", "X-CSRF-Token": csrf_of(http, world.urls.frontend)},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    events = parse_sse(response.text)
    kinds = [name for name, _ in events]
    assert kinds.index("plan") < kinds.index("tool_call") < kinds.index("final")
    final = json.loads(events[-1][1])
    assert TODO in final["answer"]
    world.threads["alice"] = final["thread_id"]


def test_bob_gets_no_billing_and_none_of_alices_data_over_mcp(world: World) -> None:
    async def run() -> None:
        user, storage = BrowserUser("bob"), MemoryTokenStorage()
        auth = oauth_provider(world.urls.mcp + "/mcp", user, storage)
        async with mcp_session(world.urls.mcp, "http", auth=auth) as session:
            names = await tool_names(session)
            todos = await session.call_tool("list-todos", {})
        assert names == {"whoami", "list-todos"}
        assert TODO not in todos.content[0].text  # type: ignore[union-attr]
        assert storage.tokens is not None
        refused = httpx.post(
            world.urls.mcp + "/mcp",
            headers={
                "Authorization": f"Bearer {storage.tokens.access_token}",
                "Accept": "application/json, text/event-stream",
            },
            json={
                "jsonrpc": "2.0",
                "id": 1,
                "method": "tools/call",
                "params": {"name": "list-billing", "arguments": {}},
            },
        )
        assert refused.status_code == 403
        assert 'error="insufficient_scope"' in refused.headers["www-authenticate"]

    import asyncio

    asyncio.run(run())


def test_bob_gets_a_clear_answer_without_billing_and_none_of_alices_data_in_chat(
    world: World,
) -> None:
    http = httpx.Client(timeout=30)
    world.browsers["bob"] = http
    login(http, world.urls.frontend, "bob")
    answer = _chat(world, "bob", "show my todos and my billing")
    text = str(answer["answer"])
    assert TODO not in text
    assert "billing" in text.lower() and "not available" in text.lower()
    alice_thread = world.threads["alice"]
    assert http.get(f"{world.urls.frontend}/api/threads/{alice_thread}").status_code == 404
    listed = http.get(f"{world.urls.frontend}/api/threads").json()
    assert alice_thread not in json.dumps(listed)


async def test_alice_sees_it_through_langgraph_dev_and_bob_gets_neither_her_data_nor_billing(
    world: World,
) -> None:
    server = start_langgraph_dev(world.cwd / "studio", world.stack.env)
    try:
        alice = password_token(world.urls.issuer, "alice")["access_token"]
        bob = password_token(world.urls.issuer, "bob")["access_token"]
        as_alice = get_client(url=server.url, headers={"Authorization": f"Bearer {alice}"})
        as_bob = get_client(url=server.url, headers={"Authorization": f"Bearer {bob}"})

        thread = await as_alice.threads.create()
        await as_alice.runs.wait(thread["thread_id"], "baton", input=_human("show my todos"))
        state: Any = await as_alice.threads.get_state(thread["thread_id"])
        assert TODO in state["values"]["messages"][-1]["content"]

        bobs = await as_bob.threads.create()
        await as_bob.runs.wait(
            bobs["thread_id"], "baton", input=_human("show my todos and my billing")
        )
        bob_state: Any = await as_bob.threads.get_state(bobs["thread_id"])
        bob_answer = bob_state["values"]["messages"][-1]["content"]
        assert TODO not in bob_answer
        assert "not available" in bob_answer.lower()
        with pytest.raises(httpx.HTTPStatusError) as refused:
            await as_bob.threads.get_state(thread["thread_id"])
        assert refused.value.response.status_code == 404
        for client in (as_alice, as_bob):
            await client.http.client.aclose()
    finally:
        server.stop()


def test_no_service_logged_a_one_time_code_state_or_token_along_the_way(world: World) -> None:
    log = world.stack.text
    assert "GET /auth/callback" in log, "the front end's access log is missing"
    for marker in ("code=", "state=", "code_verifier", "client_secret", "Bearer "):
        assert marker not in log, f"{marker!r} reached a service log"
    storage = world.mcp_storage["alice"]
    assert storage.tokens is not None
    for secret in (storage.tokens.access_token, storage.tokens.refresh_token or "-"):
        assert secret not in log
    for client in world.browsers.values():
        for cookie in client.cookies.jar:
            assert cookie.value is None or cookie.value not in log


def test_after_a_restart_alices_conversation_refresh_token_and_todos_are_intact(
    world: World,
) -> None:
    storage = world.mcp_storage["alice"]
    assert storage.tokens is not None and storage.tokens.refresh_token
    assert storage.client_info is not None
    thread = world.threads["alice"]

    world.restart()

    # Her front-end session and conversation survive: the thread continues by id.
    answer = _chat(world, "alice", "show my todos", thread_id=thread)
    assert answer["thread_id"] == thread
    assert TODO in str(answer["answer"])
    history = world.browsers["alice"].get(f"{world.urls.frontend}/api/threads/{thread}").json()
    assert len([m for m in history["messages"] if m["role"] == "user"]) >= 2

    # Her MCP refresh token still works and the new access token reaches her todos.
    refreshed = httpx.post(
        world.urls.mcp + "/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": storage.tokens.refresh_token,
            "client_id": storage.client_info.client_id,
        },
    )
    assert refreshed.status_code == 200, refreshed.text
    access = refreshed.json()["access_token"]

    async def list_todos() -> str:
        async with mcp_session(world.urls.mcp, "http", token=access) as session:
            result = await session.call_tool("list-todos", {})
        return str(result.content[0].text)  # type: ignore[union-attr]

    import asyncio

    assert TODO in asyncio.run(list_todos())

    # And the Todos API itself still has it.
    token = password_token(world.urls.issuer, "alice")["access_token"]
    todos = httpx.get(
        world.urls.todos + "/api/todos", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert TODO in json.dumps(todos)
