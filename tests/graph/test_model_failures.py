"""A model that misbehaves or fails: the user still gets an honest answer or a clear error."""

from __future__ import annotations

from pathlib import Path

from langgraph.checkpoint.memory import InMemorySaver

from graph.events import ErrorEvent, FinalEvent, PlanEvent
from graph.runner import GraphRunner
from graph.vault import InMemoryVault
from tests.graph.conftest import FakeMcp, alice_turn, collect, graph_settings
from tests.graph.scripted import ANSWER, PLANNER
from tests.support.openai_fake import FakeOpenAI, text, tool_call
from tests.support.servers import serve


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
