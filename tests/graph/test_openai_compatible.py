"""The graph with langchain-openai against an OpenAI-compatible server started by the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from graph.events import CritiqueEvent, ErrorEvent, FinalEvent, PlanEvent, StepEvent, TokenEvent
from graph.runner import GraphRunner
from graph.vault import InMemoryVault
from tests.graph.conftest import FakeMcp, RecordingVault, alice_turn, collect, graph_settings
from tests.support.openai_fake import FakeOpenAI, system_text, text, tool_call
from tests.support.servers import ServerThread, serve

PLANNER, WORKER, CRITIC, ANSWER = (
    "Baton's planner",
    "Baton's worker",
    "Baton's critic",
    "Baton's answer writer",
)


def two_step_plan(first: str, second: str) -> dict[str, Any]:
    return tool_call(
        "Plan",
        {
            "steps": [
                {"id": "a", "goal": f"Run {first}", "tool": first, "depends_on": []},
                {"id": "b", "goal": f"Run {second}", "tool": second, "depends_on": []},
            ],
            "notes": "",
        },
    )


def call_suggested_tool(request: dict[str, Any]) -> dict[str, Any]:
    """A worker's first turn: call the tool its step suggests; then report."""
    if any(m.get("role") == "tool" for m in request["messages"]):
        return text("reported " + request["messages"][-1]["content"])
    tool = system_text(request).split("Suggested tool:")[1].split("\n")[0].strip()
    return tool_call(tool, {})


@pytest.fixture
def fake_llm() -> Iterator[tuple[FakeOpenAI, str]]:
    fake = FakeOpenAI(
        {
            PLANNER: [
                two_step_plan("list-todos", "list-billing"),
                two_step_plan("slow-a", "slow-b"),
            ],
            WORKER: [call_suggested_tool],
            CRITIC: [
                tool_call(
                    "Verdict", {"approved": False, "feedback": "Also look up slow-a and slow-b."}
                ),
                tool_call("Verdict", {"approved": True, "feedback": ""}),
            ],
            ANSWER: [text("Your todos are empty and your plan is Pro.")],
        }
    )
    server = ServerThread(fake.app).start()
    try:
        yield fake, server.url
    finally:
        server.stop()


async def test_scripted_plan_parallel_workers_and_one_critic_revision_happen_in_order(
    tmp_path: Path, fake_mcp: FakeMcp, fake_llm: tuple[FakeOpenAI, str]
) -> None:
    fake, url = fake_llm
    fake_mcp.state.delay = 0.05
    settings = graph_settings(
        tmp_path, fake_mcp.url, OPENAI_API_KEY="sk-fake", OPENAI_BASE_URL=f"{url}/v1"
    )
    runner = GraphRunner(settings, checkpointer=InMemorySaver(), vault=InMemoryVault())
    try:
        events = await collect(runner, **alice_turn("show my todos and billing"))
    finally:
        await runner.aclose()

    round_trip = [PLANNER, WORKER, WORKER, WORKER, WORKER, CRITIC]
    assert fake.roles() == [*round_trip, *round_trip, ANSWER]
    plans = [e for e in events if isinstance(e, PlanEvent)]
    assert [[s.tool for s in p.steps] for p in plans] == [
        ["list-todos", "list-billing"],
        ["slow-a", "slow-b"],
    ]
    assert [p.revision for p in plans] == [0, 1]
    critiques = [e for e in events if isinstance(e, CritiqueEvent)]
    assert [(c.approved, c.revision) for c in critiques] == [(False, 0), (True, 1)]
    done = [e.step_id for e in events if isinstance(e, StepEvent) and e.status == "done"]
    assert sorted(done) == ["a", "a", "b", "b"]
    replanning = fake.of_role(PLANNER)[1]
    assert "Also look up slow-a and slow-b." in system_text(replanning.body)
    final = events[-1]
    assert isinstance(final, FinalEvent)
    assert final.answer == "Your todos are empty and your plan is Pro."
    tokens = [e.text for e in events if isinstance(e, TokenEvent)]
    assert len(tokens) > 1 and "".join(tokens) == final.answer
    assert all(r.authorization == "Bearer sk-fake" for r in fake.requests)


async def test_two_independent_steps_with_slow_tools_run_at_the_same_time(
    tmp_path: Path, fake_mcp: FakeMcp
) -> None:
    fake = FakeOpenAI(
        {
            PLANNER: [two_step_plan("slow-a", "slow-b")],
            WORKER: [call_suggested_tool],
            CRITIC: [tool_call("Verdict", {"approved": True, "feedback": ""})],
            ANSWER: [text("Both are 42.")],
        }
    )
    fake_mcp.state.delay = 0.5
    with serve(fake.app) as server:
        settings = graph_settings(
            tmp_path, fake_mcp.url, OPENAI_API_KEY="sk-fake", OPENAI_BASE_URL=f"{server.url}/v1"
        )
        runner = GraphRunner(settings, checkpointer=InMemorySaver(), vault=InMemoryVault())
        try:
            events = await collect(runner, **alice_turn("look up a and b"))
        finally:
            await runner.aclose()

    assert isinstance(events[-1], FinalEvent)
    (a_start, a_end), (b_start, b_end) = (
        fake_mcp.state.runs["slow-a"],
        fake_mcp.state.runs["slow-b"],
    )
    # Each ran for one delay; they overlapped, i.e. each started before the other ended.
    assert a_start < b_end and b_start < a_end
    overlap = min(a_end, b_end) - max(a_start, b_start)
    assert overlap > 0.5 * fake_mcp.state.delay


async def test_when_the_critic_never_approves_the_answer_says_so_after_the_revision_cap(
    tmp_path: Path, fake_mcp: FakeMcp
) -> None:
    fake = FakeOpenAI(
        {
            PLANNER: [two_step_plan("list-todos", "list-billing")],
            WORKER: [call_suggested_tool],
            CRITIC: [tool_call("Verdict", {"approved": False, "feedback": "Totals missing."})],
            ANSWER: [text("Here is what I found.")],
        }
    )
    with serve(fake.app) as server:
        settings = graph_settings(
            tmp_path,
            fake_mcp.url,
            OPENAI_API_KEY="sk-fake",
            OPENAI_BASE_URL=f"{server.url}/v1",
            BATON_MAX_REVISIONS=1,
        )
        runner = GraphRunner(settings, checkpointer=InMemorySaver(), vault=InMemoryVault())
        try:
            events = await collect(runner, **alice_turn("show my todos and billing"))
        finally:
            await runner.aclose()

    assert len(fake.of_role(CRITIC)) == 2 and len(fake.of_role(PLANNER)) == 2
    final = events[-1]
    assert isinstance(final, FinalEvent)
    assert final.answer.startswith("Here is what I found.")
    assert "Not fully verified: after 1 revision(s)" in final.answer
    assert "Totals missing." in final.answer


async def test_a_worker_that_keeps_calling_tools_stops_at_the_iteration_limit(
    tmp_path: Path, fake_mcp: FakeMcp
) -> None:
    fake = FakeOpenAI(
        {
            PLANNER: [
                tool_call(
                    "Plan",
                    {
                        "steps": [
                            {"id": "a", "goal": "list", "tool": "list-todos", "depends_on": []}
                        ],
                        "notes": "",
                    },
                )
            ],
            WORKER: [tool_call("list-todos", {})],
            CRITIC: [tool_call("Verdict", {"approved": True, "feedback": ""})],
            ANSWER: [text("Gave up.")],
        }
    )
    with serve(fake.app) as server:
        settings = graph_settings(
            tmp_path,
            fake_mcp.url,
            OPENAI_API_KEY="sk-fake",
            OPENAI_BASE_URL=f"{server.url}/v1",
            BATON_WORKER_MAX_ITERATIONS=3,
        )
        runner = GraphRunner(settings, checkpointer=InMemorySaver(), vault=InMemoryVault())
        try:
            events = await collect(runner, **alice_turn("show my todos"))
        finally:
            await runner.aclose()

    assert len(fake.of_role(WORKER)) == 3
    assert fake_mcp.state.tool_calls == ["list-todos"] * 3
    failed = [e for e in events if isinstance(e, StepEvent) and e.status == "failed"]
    assert [e.result for e in failed] == ["stopped after 3 model calls without finishing"]
    assert isinstance(events[-1], FinalEvent)


async def test_closing_the_event_stream_cancels_the_run_and_releases_handle_and_session(
    tmp_path: Path, fake_mcp: FakeMcp
) -> None:
    fake = FakeOpenAI(
        {
            PLANNER: [two_step_plan("slow-a", "slow-b")],
            WORKER: [call_suggested_tool],
            CRITIC: [tool_call("Verdict", {"approved": True, "feedback": ""})],
            ANSWER: [text("Both are 42.")],
        }
    )
    fake_mcp.state.delay = 2.0
    vault = RecordingVault()
    with serve(fake.app) as server:
        settings = graph_settings(
            tmp_path, fake_mcp.url, OPENAI_API_KEY="sk-fake", OPENAI_BASE_URL=f"{server.url}/v1"
        )
        runner = GraphRunner(settings, checkpointer=InMemorySaver(), vault=vault)
        try:
            stream = runner.stream(**alice_turn("look up a and b"))
            seen = []
            async for event in stream:
                seen.append(event)
                if isinstance(event, StepEvent) and event.status == "started":
                    break
            await stream.aclose()  # type: ignore[attr-defined]
            assert not any(isinstance(e, FinalEvent) for e in seen)
            assert runner.sessions.opened == 1
            assert runner.sessions.open_runs() == []
            [(handle, subject)] = vault.handles
            assert vault.get(handle, subject=subject) is None
            assert fake.of_role(CRITIC) == []
        finally:
            await runner.aclose()


async def test_a_revision_does_not_repeat_steps_that_already_succeeded(
    tmp_path: Path, fake_mcp: FakeMcp
) -> None:
    plan = tool_call(
        "Plan",
        {
            "steps": [
                {"id": "a", "goal": 'Create "buy milk"', "tool": "create-todo", "depends_on": []},
                {"id": "b", "goal": "Run list-billing", "tool": "list-billing", "depends_on": []},
            ],
            "notes": "",
        },
    )

    def worker(request: dict[str, Any]) -> dict[str, Any]:
        if any(m.get("role") == "tool" for m in request["messages"]):
            return text("done")
        tool = system_text(request).split("Suggested tool:")[1].split("\n")[0].strip()
        return tool_call(tool, {"title": "buy milk"} if tool == "create-todo" else {})

    fake = FakeOpenAI(
        {
            PLANNER: [plan],
            WORKER: [worker],
            CRITIC: [
                tool_call("Verdict", {"approved": False, "feedback": "Check again."}),
                tool_call("Verdict", {"approved": True, "feedback": ""}),
            ],
            ANSWER: [text("Added it.")],
        }
    )
    with serve(fake.app) as server:
        settings = graph_settings(
            tmp_path, fake_mcp.url, OPENAI_API_KEY="sk-fake", OPENAI_BASE_URL=f"{server.url}/v1"
        )
        runner = GraphRunner(settings, checkpointer=InMemorySaver(), vault=InMemoryVault())
        try:
            events = await collect(runner, **alice_turn("add a todo to buy milk"))
        finally:
            await runner.aclose()

    assert isinstance(events[-1], FinalEvent)
    assert len(fake.of_role(PLANNER)) == 2
    assert sorted(fake_mcp.state.tool_calls) == ["create-todo", "list-billing"]
    assert [t["title"] for t in fake_mcp.state.todos["auth0|alice"]] == ["buy milk"]


async def test_an_unusable_plan_and_review_still_end_in_an_honest_answer(
    tmp_path: Path, fake_mcp: FakeMcp
) -> None:
    fake = FakeOpenAI(
        {
            PLANNER: [tool_call("Plan", {"steps": "not a list"})],
            ANSWER: [text("I could not plan that.")],
        }
    )
    with serve(fake.app) as server:
        settings = graph_settings(
            tmp_path, fake_mcp.url, OPENAI_API_KEY="sk-fake", OPENAI_BASE_URL=f"{server.url}/v1"
        )
        runner = GraphRunner(settings, checkpointer=InMemorySaver(), vault=InMemoryVault())
        try:
            events = await collect(runner, **alice_turn("do something odd"))
        finally:
            await runner.aclose()
    plan = events[0]
    assert isinstance(plan, PlanEvent) and plan.direct_answer
    assert isinstance(events[-1], FinalEvent)
    assert "could not make a plan" in fake.of_role(ANSWER)[0].body["messages"][-1]["content"]


async def test_a_language_model_that_fails_gives_a_retryable_error_event(
    tmp_path: Path, fake_mcp: FakeMcp
) -> None:
    fake = FakeOpenAI({"nobody matches this": [text("")]})  # every request gets HTTP 400
    with serve(fake.app) as server:
        settings = graph_settings(
            tmp_path, fake_mcp.url, OPENAI_API_KEY="sk-fake", OPENAI_BASE_URL=f"{server.url}/v1"
        )
        runner = GraphRunner(settings, checkpointer=InMemorySaver(), vault=InMemoryVault())
        try:
            events = await collect(runner, **alice_turn("show my todos"))
        finally:
            await runner.aclose()
    assert len(events) == 1
    error = events[0]
    assert isinstance(error, ErrorEvent) and error.retryable
    assert "language model could not answer (BadRequestError)" in error.message
    assert "sk-fake" not in error.message
