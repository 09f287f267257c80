"""Parallel workers, the worker's iteration bound, and cancelling a run (scripted model)."""

from __future__ import annotations

from pathlib import Path

from langgraph.checkpoint.memory import InMemorySaver

from graph.events import FinalEvent, StepEvent
from graph.runner import GraphRunner
from graph.vault import InMemoryVault
from tests.graph.conftest import FakeMcp, RecordingVault, alice_turn, collect, graph_settings
from tests.graph.scripted import ANSWER, CRITIC, PLANNER, WORKER, call_suggested_tool, two_step_plan
from tests.support.openai_fake import FakeOpenAI, text, tool_call
from tests.support.servers import serve


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
