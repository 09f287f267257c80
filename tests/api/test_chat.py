"""POST /api/chat and the thread routes, with a scripted runner standing in for the graph."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from graph.events import ErrorEvent, PlanEvent
from tests.api.support import RunningFrontend, ScriptedRunner, csrf_of, login, parse_sse
from tests.support.devidp import RunningDevIdP, password_token


def bearer(idp: RunningDevIdP, user: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + password_token(idp.url, user)["access_token"]}


def test_chat_streams_typed_events_in_order_ending_with_the_thread_id(
    frontend: RunningFrontend, idp: RunningDevIdP, runner: ScriptedRunner
) -> None:
    answer = httpx.post(
        frontend.url + "/api/chat", json={"message": "add buy milk"}, headers=bearer(idp, "alice")
    )

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(answer.text)
    names = [name for name, _ in events]
    assert names == [
        "plan",
        "step",
        "tool_call",
        "tool_result",
        "step",
        "critique",
        "token",
        "token",
        "final",
    ]
    final = json.loads(events[-1][1])
    assert final["type"] == "final"
    assert final["thread_id"] == answer.headers["x-thread-id"]
    assert json.loads(events[2][1])["tool"] == "create-todo"
    assert runner.calls[0]["user_id"] == "auth0|alice"
    assert runner.calls[0]["thread_id"] == final["thread_id"]


def test_chat_with_the_session_cookie_needs_the_csrf_header(
    frontend: RunningFrontend, browser_http: httpx.Client
) -> None:
    login(browser_http, frontend.url, "alice")
    csrf = csrf_of(browser_http, frontend.url)

    refused = browser_http.post(frontend.url + "/api/chat", json={"message": "hi"})
    accepted = browser_http.post(
        frontend.url + "/api/chat", json={"message": "hi"}, headers={"X-CSRF-Token": csrf}
    )

    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    assert accepted.status_code == 200
    assert parse_sse(accepted.text)[-1][0] == "final"


def test_json_form_returns_the_same_answer(frontend: RunningFrontend, idp: RunningDevIdP) -> None:
    headers = {**bearer(idp, "alice"), "Accept": "application/json"}

    answer = httpx.post(frontend.url + "/api/chat", json={"message": "add"}, headers=headers)

    assert answer.status_code == 200
    body = answer.json()
    assert body["answer"] == "Added “buy milk”."
    assert body["thread_id"] == answer.headers["x-thread-id"]
    assert next(e["type"] for e in body["events"]) == "plan"
    assert body["events"][-1] == {
        "type": "final",
        "thread_id": body["thread_id"],
        "answer": body["answer"],
    }


def test_a_failed_run_is_an_error_event_or_a_502_problem(
    frontend: RunningFrontend, idp: RunningDevIdP, runner: ScriptedRunner
) -> None:
    runner.script = [PlanEvent(steps=[]), ErrorEvent(message="The tools are unavailable.")]

    stream = httpx.post(
        frontend.url + "/api/chat", json={"message": "x"}, headers=bearer(idp, "alice")
    )
    as_json = httpx.post(
        frontend.url + "/api/chat",
        json={"message": "x"},
        headers={**bearer(idp, "alice"), "Accept": "application/json"},
    )

    assert parse_sse(stream.text)[-1][0] == "error"
    assert as_json.status_code == 502
    assert as_json.json()["detail"] == "The tools are unavailable."
    assert as_json.json()["thread_id"] == as_json.headers["x-thread-id"]


def test_a_run_that_ends_without_a_final_event_reports_an_error(
    frontend: RunningFrontend, idp: RunningDevIdP, runner: ScriptedRunner
) -> None:
    runner.script = [PlanEvent(steps=[])]

    stream = httpx.post(
        frontend.url + "/api/chat", json={"message": "x"}, headers=bearer(idp, "alice")
    )

    assert [name for name, _ in parse_sse(stream.text)] == ["plan", "error"]


def test_threads_are_listed_read_and_deleted_by_their_owner(
    frontend: RunningFrontend, idp: RunningDevIdP, runner: ScriptedRunner
) -> None:
    alice = bearer(idp, "alice")
    first = httpx.post(frontend.url + "/api/chat", json={"message": "add buy milk"}, headers=alice)
    thread_id = first.headers["x-thread-id"]
    again = httpx.post(
        frontend.url + "/api/chat",
        json={"message": "and eggs", "thread_id": thread_id},
        headers=alice,
    )
    assert again.headers["x-thread-id"] == thread_id

    listed = httpx.get(frontend.url + "/api/threads", headers=alice).json()["threads"]
    detail = httpx.get(f"{frontend.url}/api/threads/{thread_id}", headers=alice).json()
    deleted = httpx.delete(f"{frontend.url}/api/threads/{thread_id}", headers=alice)

    assert [t["id"] for t in listed] == [thread_id]
    assert listed[0]["title"] == "add buy milk"
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant", "user", "assistant"]
    assert deleted.status_code == 204
    assert runner.deleted == [thread_id]
    assert httpx.get(f"{frontend.url}/api/threads/{thread_id}", headers=alice).status_code == 404


def test_bob_cannot_read_list_delete_or_continue_alices_thread(
    frontend: RunningFrontend, idp: RunningDevIdP, runner: ScriptedRunner
) -> None:
    alice, bob = bearer(idp, "alice"), bearer(idp, "bob")
    thread_id = httpx.post(
        frontend.url + "/api/chat", json={"message": "secret plans"}, headers=alice
    ).headers["x-thread-id"]
    calls_before = len(runner.calls)

    read = httpx.get(f"{frontend.url}/api/threads/{thread_id}", headers=bob)
    listed = httpx.get(frontend.url + "/api/threads", headers=bob)
    deleted = httpx.delete(f"{frontend.url}/api/threads/{thread_id}", headers=bob)
    continued = httpx.post(
        frontend.url + "/api/chat", json={"message": "hi", "thread_id": thread_id}, headers=bob
    )
    missing = httpx.get(
        f"{frontend.url}/api/threads/00000000-0000-4000-8000-000000000000", headers=bob
    )

    assert read.status_code == 404 and deleted.status_code == 404 and continued.status_code == 404
    assert read.json()["detail"] == missing.json()["detail"]  # indistinguishable from missing
    assert listed.json()["threads"] == []
    assert len(runner.calls) == calls_before
    assert httpx.get(f"{frontend.url}/api/threads/{thread_id}", headers=alice).status_code == 200


def test_a_client_that_disconnects_cancels_its_run(
    frontend: RunningFrontend, idp: RunningDevIdP, runner: ScriptedRunner
) -> None:
    runner.hold = True
    with (
        httpx.Client(timeout=20) as client,
        client.stream(
            "POST",
            frontend.url + "/api/chat",
            json={"message": "long"},
            headers=bearer(idp, "alice"),
        ) as response,
    ):
        assert response.status_code == 200
        chunks = response.iter_text()  # held: a dropped iterator closes the connection
        assert "event: plan" in next(chunks)
        assert not runner.cancelled.is_set()
        # leaving the block closes the connection mid-stream

    assert runner.cancelled.wait(timeout=10), "the run was not cancelled after the disconnect"
    # The thread is free again once the cancelled run has been cleaned up.
    deadline = time.monotonic() + 10
    while frontend.app.state.services.busy_threads and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not frontend.app.state.services.busy_threads


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"", "application/json", 422),
        (b"not json", "application/json", 422),
        (b"[]", "application/json", 422),
        (b'{"message": 5}', "application/json", 422),
        (b'{"message": null}', "application/json", 422),
        (b'{"msg": "hi"}', "application/json", 422),
        (b'{"message": "hi", "extra": 1}', "application/json", 422),
        (b'{"message": "   "}', "application/json", 422),
        (b'{"message": "hi", "thread_id": 7}', "application/json", 422),
        (b'{"message": "hi"', "application/json", 422),
        (b"\xff\xfe\x00garbage", "application/json", 422),
        (b"message=hi", "application/x-www-form-urlencoded", 422),
        (b'{"message": "hi"}', "text/plain", 422),
    ],
)
def test_malformed_chat_bodies_get_a_clear_4xx(
    frontend: RunningFrontend, idp: RunningDevIdP, body: bytes, content_type: str, status: int
) -> None:
    answer = httpx.post(
        frontend.url + "/api/chat",
        content=body,
        headers={**bearer(idp, "alice"), "Content-Type": content_type},
    )

    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["detail"]


def test_a_message_over_the_limit_is_refused_with_the_limit_named(
    frontend: RunningFrontend, idp: RunningDevIdP, runner: ScriptedRunner
) -> None:
    limit = frontend.settings.chat_max_message_chars
    at_limit = httpx.post(
        frontend.url + "/api/chat", json={"message": "x" * limit}, headers=bearer(idp, "alice")
    )
    over = httpx.post(
        frontend.url + "/api/chat",
        json={"message": "x" * (limit + 1)},
        headers=bearer(idp, "alice"),
    )
    huge = httpx.post(
        frontend.url + "/api/chat",
        content=b'{"message": "' + b"x" * 2_000_000 + b'"}',
        headers={**bearer(idp, "alice"), "Content-Type": "application/json"},
    )

    assert at_limit.status_code == 200
    assert over.status_code == 422 and str(limit) in over.json()["detail"]
    assert huge.status_code == 413
    assert len(runner.calls) == 1


def test_a_chunked_body_over_the_byte_limit_is_refused(
    frontend: RunningFrontend, idp: RunningDevIdP
) -> None:
    def chunks():
        yield b'{"message": "'
        for _ in range(200):
            yield b"x" * 10_000
        yield b'"}'

    answer = httpx.post(
        frontend.url + "/api/chat",
        content=chunks(),
        headers={**bearer(idp, "alice"), "Content-Type": "application/json"},
    )

    assert answer.status_code == 413
    assert answer.json()["code"] == "body_too_large"


@pytest.mark.parametrize(
    "thread_id",
    [
        "00000000-0000-4000-8000-000000000000",
        "not-a-uuid",
        "",
        "../../etc/passwd",
        "00000000-0000-1000-8000-000000000000",
        "x" * 5000,
    ],
)
def test_unknown_thread_ids_are_404(
    frontend: RunningFrontend, idp: RunningDevIdP, runner: ScriptedRunner, thread_id: str
) -> None:
    answer = httpx.post(
        frontend.url + "/api/chat",
        json={"message": "hi", "thread_id": thread_id},
        headers=bearer(idp, "alice"),
    )

    assert answer.status_code == 404
    assert answer.json()["detail"] == "No such thread."
    assert runner.calls == []


def test_a_second_message_while_a_run_is_in_progress_is_a_409(
    frontend: RunningFrontend, idp: RunningDevIdP, runner: ScriptedRunner
) -> None:
    alice = bearer(idp, "alice")
    thread_id = httpx.post(
        frontend.url + "/api/chat", json={"message": "first"}, headers=alice
    ).headers["x-thread-id"]
    runner.hold = True
    with (
        httpx.Client(timeout=20) as client,
        client.stream(
            "POST",
            frontend.url + "/api/chat",
            json={"message": "slow", "thread_id": thread_id},
            headers=alice,
        ) as response,
    ):
        chunks = response.iter_text()
        assert "event: plan" in next(chunks)
        runner.hold = False  # only the run already started keeps holding
        second = httpx.post(
            frontend.url + "/api/chat",
            json={"message": "again", "thread_id": thread_id},
            headers=alice,
        )
        other_thread = httpx.post(frontend.url + "/api/chat", json={"message": "x"}, headers=alice)

    assert second.status_code == 409 and second.json()["code"] == "busy"
    assert other_thread.status_code == 200  # only that thread is busy


def test_an_idle_stream_gets_keep_alive_pings(
    tmp_path, idp: RunningDevIdP, frontend_port: int
) -> None:
    from tests.api.support import frontend_settings, running_frontend

    settings = frontend_settings(
        tmp_path / "fe2", port=frontend_port, issuer_url=idp.url, CHAT_SSE_PING=0.05
    )
    runner = ScriptedRunner(hold=True)
    with (
        running_frontend(settings, runner) as frontend,
        httpx.Client(timeout=20) as client,
        client.stream(
            "POST", frontend.url + "/api/chat", json={"message": "x"}, headers=bearer(idp, "alice")
        ) as response,
    ):
        seen = ""
        for chunk in response.iter_text():
            seen += chunk
            if seen.count(": ping") >= 2:
                break

    assert seen.startswith("event: plan")
    assert seen.count(": ping") >= 2
