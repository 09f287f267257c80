"""Scripts for the OpenAI-compatible test server: who is asking, and typical replies."""

from __future__ import annotations

from typing import Any

from tests.support.openai_fake import system_text, text, tool_call

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
