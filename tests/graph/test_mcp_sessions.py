"""One MCP session per run, counted as ``initialize`` requests at the server."""

from __future__ import annotations

from langgraph.checkpoint.memory import InMemorySaver

from graph.events import FinalEvent, ToolCallEvent
from graph.runner import GraphRunner
from graph.settings import GraphSettings
from graph.vault import InMemoryVault
from tests.graph.conftest import FakeMcp, alice_turn, collect
from tests.graph.measure_sessions import measure


async def test_a_run_with_several_tool_calls_initialises_one_mcp_session(
    settings: GraphSettings, fake_mcp: FakeMcp
) -> None:
    runner = GraphRunner(settings, checkpointer=InMemorySaver(), vault=InMemoryVault())
    try:
        events = await collect(
            runner, **alice_turn("add a todo to buy milk, then show my todos and my billing")
        )
        again = await collect(runner, **alice_turn("show my todos", thread_id="t2"))
    finally:
        await runner.aclose()
    assert isinstance(events[-1], FinalEvent) and isinstance(again[-1], FinalEvent)
    assert len([e for e in events if isinstance(e, ToolCallEvent)]) == 3
    # One session for each of the two runs; the second run reused the cached exchange.
    assert fake_mcp.state.initializes == 2
    assert fake_mcp.state.exchanges == 1
    assert runner.sessions.open_runs() == []


async def test_get_tools_would_open_a_session_per_call_where_a_held_session_opens_one(
    fake_mcp: FakeMcp,
) -> None:
    state = fake_mcp.state
    state.issued["baton_measure"] = state.every_token["baton_measure"] = "auth0|alice"
    figures = await measure(f"{fake_mcp.url}/mcp", "baton_measure", lambda: state.initializes, 5)
    assert figures["held_session"]["initialize_requests"] == 1
    assert figures["get_tools_per_call_session"]["initialize_requests"] == 1 + 5
