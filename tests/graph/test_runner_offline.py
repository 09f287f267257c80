"""The runner with the offline model against a fake MCP server: events, tools, persistence."""

from __future__ import annotations

from langgraph.checkpoint.memory import InMemorySaver

from graph.events import FinalEvent, PlanEvent, StepEvent, TokenEvent, ToolCallEvent
from graph.runner import GraphRunner
from graph.settings import GraphSettings
from graph.vault import InMemoryVault
from tests.graph.conftest import FakeMcp, alice_turn, collect


async def test_offline_run_creates_the_todo_and_answers_with_todos_and_billing(
    settings: GraphSettings, fake_mcp: FakeMcp
) -> None:
    runner = GraphRunner(settings, checkpointer=InMemorySaver(), vault=InMemoryVault())
    try:
        events = await collect(
            runner, **alice_turn("add a todo to buy milk, then show my todos and my billing")
        )
    finally:
        await runner.aclose()
    plan = next(e for e in events if isinstance(e, PlanEvent))
    assert [s.tool for s in plan.steps] == ["create-todo", "list-todos", "list-billing"]
    assert fake_mcp.state.todos["auth0|alice"][0]["title"] == "buy milk"
    calls = [e for e in events if isinstance(e, ToolCallEvent)]
    assert {c.tool for c in calls} == {"create-todo", "list-todos", "list-billing"}
    assert any(isinstance(e, StepEvent) and e.status == "done" for e in events)
    final = events[-1]
    assert isinstance(final, FinalEvent)
    assert "buy milk" in final.answer and "42.00" in final.answer
    assert "".join(e.text for e in events if isinstance(e, TokenEvent)) == final.answer
    assert fake_mcp.state.initializes == 1


async def test_a_request_that_needs_no_tool_gets_a_direct_answer_without_tool_calls(
    settings: GraphSettings, fake_mcp: FakeMcp
) -> None:
    runner = GraphRunner(settings, checkpointer=InMemorySaver(), vault=InMemoryVault())
    try:
        events = await collect(runner, **alice_turn("hello there"))
    finally:
        await runner.aclose()
    plan = events[0]
    assert isinstance(plan, PlanEvent) and plan.direct_answer and plan.steps == []
    assert not any(isinstance(e, ToolCallEvent | StepEvent) for e in events)
    final = events[-1]
    assert isinstance(final, FinalEvent)
    assert "offline" in final.answer and "list-todos" in final.answer
    assert fake_mcp.state.tool_calls == []
