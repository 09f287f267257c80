"""The graph with langchain-openai against an OpenAI-compatible server started by the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from graph.events import CritiqueEvent, FinalEvent, PlanEvent, StepEvent, TokenEvent
from graph.runner import GraphRunner
from graph.vault import InMemoryVault
from tests.graph.conftest import FakeMcp, alice_turn, collect, graph_settings
from tests.graph.scripted import ANSWER, CRITIC, PLANNER, WORKER, call_suggested_tool, two_step_plan
from tests.support.openai_fake import FakeOpenAI, system_text, text, tool_call
from tests.support.servers import ServerThread, serve


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
