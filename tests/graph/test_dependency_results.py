"""A step's worker sees the results of the steps it depends on in its prompt, for any model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from graph import prompts
from graph.events import FinalEvent
from graph.runner import GraphRunner
from graph.vault import InMemoryVault
from tests.graph.conftest import FakeMcp, alice_turn, collect, graph_settings
from tests.graph.scripted import ANSWER, CRITIC, PLANNER, WORKER, call_suggested_tool
from tests.support.openai_fake import FakeOpenAI, system_text, text, tool_call
from tests.support.servers import ServerThread

LOOK_UP_THEN_ACT = tool_call(
    "Plan",
    {
        "steps": [
            {"id": "a", "goal": "List the todos.", "tool": "list-todos", "depends_on": []},
            {"id": "b", "goal": "Use what a found.", "tool": "list-billing", "depends_on": ["a"]},
        ],
        "notes": "",
    },
)


@pytest.fixture
def fake_llm() -> Iterator[tuple[FakeOpenAI, str]]:
    fake = FakeOpenAI(
        {
            PLANNER: [LOOK_UP_THEN_ACT],
            WORKER: [call_suggested_tool],
            CRITIC: [tool_call("Verdict", {"approved": True, "feedback": ""})],
            ANSWER: [text("Done.")],
        }
    )
    server = ServerThread(fake.app).start()
    try:
        yield fake, server.url
    finally:
        server.stop()


async def test_the_dependent_workers_prompt_carries_the_earlier_steps_output(
    tmp_path: Path, fake_mcp: FakeMcp, fake_llm: tuple[FakeOpenAI, str]
) -> None:
    fake, url = fake_llm
    fake_mcp.state.todos["auth0|alice"] = [{"id": 7, "title": "buy milk", "completed": False}]
    settings = graph_settings(
        tmp_path, fake_mcp.url, OPENAI_API_KEY="sk-fake", OPENAI_BASE_URL=f"{url}/v1"
    )
    runner = GraphRunner(settings, checkpointer=InMemorySaver(), vault=InMemoryVault())
    try:
        events = await collect(runner, **alice_turn("mark buy milk as done"))
    finally:
        await runner.aclose()

    assert isinstance(events[-1], FinalEvent)
    first_turns = {
        system_text(r.body).split(prompts.SECTION_SUGGESTED_TOOL)[1].split("\n")[0].strip(): r
        for r in fake.of_role(WORKER)
        if not any(m.get("role") == "tool" for m in r.body["messages"])
    }
    earlier_of = {
        tool: system_text(r.body).partition(prompts.SECTION_EARLIER)[2].strip()
        for tool, r in first_turns.items()
    }
    assert earlier_of["list-todos"] == "(none)"
    # Step b's worker is told what step a's worker reported (the listing, ids and titles).
    assert '"step": "a"' in earlier_of["list-billing"]
    assert "buy milk" in earlier_of["list-billing"] and '\\"id\\": 7' in earlier_of["list-billing"]
