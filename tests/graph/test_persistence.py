"""A conversation continues by thread id across a restart of the checkpointer."""

from __future__ import annotations

from pathlib import Path

from graph.events import FinalEvent
from graph.persistence import open_checkpointer
from graph.runner import GraphRunner
from graph.vault import InMemoryVault
from tests.graph.conftest import FakeMcp, alice_turn, collect, graph_settings
from tests.support.openai_fake import FakeOpenAI, text, tool_call
from tests.support.servers import serve


async def test_after_reopening_the_sqlite_checkpointer_the_planner_sees_the_earlier_turns(
    tmp_path: Path, fake_mcp: FakeMcp
) -> None:
    fake = FakeOpenAI(
        {
            "Baton's planner": [tool_call("Plan", {"steps": [], "notes": ""})],
            "Baton's answer writer": [text("Hello Alice."), text("You said hello.")],
        }
    )
    with serve(fake.app) as server:
        settings = graph_settings(
            tmp_path, fake_mcp.url, OPENAI_API_KEY="sk-fake", OPENAI_BASE_URL=f"{server.url}/v1"
        )
        for message in ("hello, I am Alice", "what did I say first?"):
            async with open_checkpointer(settings) as saver:
                runner = GraphRunner(settings, checkpointer=saver, vault=InMemoryVault())
                try:
                    events = await collect(runner, **alice_turn(message, thread_id="kept"))
                finally:
                    await runner.aclose()
                assert isinstance(events[-1], FinalEvent)

        async with open_checkpointer(settings) as saver:
            runner = GraphRunner(settings, checkpointer=saver, vault=InMemoryVault())
            try:
                history = await runner.history("kept")
                await runner.delete("kept")
                emptied = await runner.history("kept")
            finally:
                await runner.aclose()

    second_plan = fake.of_role("Baton's planner")[1].body["messages"]
    assert [(m["role"], m["content"]) for m in second_plan[1:]] == [
        ("user", "hello, I am Alice"),
        ("assistant", "Hello Alice."),
        ("user", "what did I say first?"),
    ]
    assert history == [
        {"role": "user", "content": "hello, I am Alice"},
        {"role": "assistant", "content": "Hello Alice."},
        {"role": "user", "content": "what did I say first?"},
        {"role": "assistant", "content": "You said hello."},
    ]
    assert emptied == []
