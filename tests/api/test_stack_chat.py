"""Chat through the whole stack: the real graph (offline model) calls the MCP server,
which calls the Todos API, all as the signed-in user."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.stack import Stack, running_stack
from tests.api.support import csrf_of, login, parse_sse
from tests.support.devidp import password_token


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(Path(tmp_path_factory.mktemp("stack"))) as running:
        yield running


def todos_of(stack: Stack, user: str) -> list[dict]:
    token = password_token(stack.idp.url, user)["access_token"]
    answer = httpx.get(stack.todos.url + "/api/todos", headers={"Authorization": f"Bearer {token}"})
    answer.raise_for_status()
    body = answer.json()
    return body["todos"] if isinstance(body, dict) else body


def test_alice_chats_over_sse_and_the_todo_exists_afterwards(
    stack: Stack, artifacts_dir: str
) -> None:
    url = stack.frontend.url
    with httpx.Client(timeout=60) as http:
        login(http, url, "alice")
        csrf = csrf_of(http, url)
        answer = http.post(
            url + "/api/chat",
            json={"message": "Add a todo to buy oat milk"},
            headers={"X-CSRF-Token": csrf},
        )

    assert answer.status_code == 200, answer.text
    Path(artifacts_dir, "chat-sse-transcript.txt").write_text(answer.text)
    events = [(name, json.loads(data)) for name, data in parse_sse(answer.text)]
    names = [name for name, _ in events]
    assert names[-1] == "final", names
    assert names.index("plan") < names.index("tool_call") < names.index("final")
    calls = [data for name, data in events if name == "tool_call"]
    results = [data for name, data in events if name == "tool_result"]
    assert any(c["tool"] == "create-todo" for c in calls), events
    assert all(r["ok"] for r in results)
    final = events[-1][1]
    assert final["thread_id"] == answer.headers["x-thread-id"]
    assert final["answer"]
    assert any("oat milk" in t["title"] for t in todos_of(stack, "alice"))


def test_alice_lists_her_todos_over_sse_as_herself(stack: Stack) -> None:
    token = password_token(stack.idp.url, "alice")["access_token"]
    created = httpx.post(
        stack.todos.url + "/api/todos",
        json={"title": "water the ferns"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code in (200, 201), created.text
    url = stack.frontend.url
    with httpx.Client(timeout=60) as http:
        login(http, url, "alice")
        answer = http.post(
            url + "/api/chat",
            json={"message": "List my todos"},
            headers={"X-CSRF-Token": csrf_of(http, url)},
        )

    events = [(name, json.loads(data)) for name, data in parse_sse(answer.text)]
    names = [name for name, _ in events]
    assert names.index("plan") < names.index("tool_call") < names.index("tool_result")
    assert names.index("tool_result") < names.index("critique") < names.index("final")
    assert names[-1] == "final"
    result = next(data for name, data in events if name == "tool_result")
    assert result["tool"] == "list-todos" and result["ok"]
    assert "water the ferns" in result["content"]
    assert "water the ferns" in events[-1][1]["answer"]


def test_the_json_form_returns_the_same_answer(stack: Stack) -> None:
    token = password_token(stack.idp.url, "alice")["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    message = {"message": "List my todos"}

    streamed = httpx.post(
        stack.frontend.url + "/api/chat", json=message, headers=headers, timeout=60
    )
    as_json = httpx.post(
        stack.frontend.url + "/api/chat",
        json=message,
        headers={**headers, "Accept": "application/json"},
        timeout=60,
    )

    assert as_json.status_code == 200, as_json.text
    final = json.loads(parse_sse(streamed.text)[-1][1])
    assert as_json.json()["answer"] == final["answer"]
    assert as_json.json()["events"][-1]["type"] == "final"


def test_bob_cannot_see_alices_thread_and_history_is_hers(stack: Stack) -> None:
    alice = {"Authorization": "Bearer " + password_token(stack.idp.url, "alice")["access_token"]}
    bob = {"Authorization": "Bearer " + password_token(stack.idp.url, "bob")["access_token"]}
    chat = httpx.post(
        stack.frontend.url + "/api/chat",
        json={"message": "List my todos"},
        headers={**alice, "Accept": "application/json"},
        timeout=60,
    )
    thread_id = chat.json()["thread_id"]
    thread_url = f"{stack.frontend.url}/api/threads/{thread_id}"

    mine = httpx.get(thread_url, headers=alice)
    assert mine.status_code == 200
    assert [m["role"] for m in mine.json()["messages"]][:2] == ["user", "assistant"]
    assert httpx.get(thread_url, headers=bob).status_code == 404
    assert thread_id not in httpx.get(stack.frontend.url + "/api/threads", headers=bob).text
    assert httpx.delete(thread_url, headers=bob).status_code == 404
    assert httpx.get(thread_url, headers=alice).status_code == 200


def test_readyz_reports_ready_when_every_dependency_answers(stack: Stack) -> None:
    answer = httpx.get(stack.frontend.url + "/readyz")

    assert answer.status_code == 200, answer.text
    assert {c["name"] for c in answer.json()["checks"]} == {"issuer", "mcp_server", "todos_api"}
