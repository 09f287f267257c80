"""Fans out one worker per ready step with ``Send``; when every step is done, hands over to the critic."""

from __future__ import annotations

from typing import Literal

from langgraph.types import Command, Send

from graph.planner import latest_request
from graph.state import State, StepResult, WorkerInput


def schedule(state: State) -> Command[Literal["worker", "critic"]]:
    """Steps whose dependencies are all done run together, in parallel, in the next super-step."""
    steps = (state.get("plan") or {}).get("steps", [])
    results = state.get("results", {})
    pending = [s for s in steps if s["id"] not in results]
    if not pending:
        return Command(goto="critic")
    ready = [s for s in pending if all(d in results for d in s.get("depends_on", []))]
    if not ready:
        # Only a dependency cycle leaves pending steps with none ready.
        skipped: dict[str, StepResult] = {
            s["id"]: StepResult(
                step_id=s["id"],
                goal=s["goal"],
                ok=False,
                output="skipped: its dependencies form a cycle",
                tool_calls=[],
                started_at=0.0,
                finished_at=0.0,
            )
            for s in pending
        }
        return Command(goto="critic", update={"results": skipped})
    request = latest_request(state.get("messages", []))
    text = str(request.text) if request else ""
    return Command(
        goto=[
            Send(
                "worker",
                WorkerInput(
                    step=s,
                    request=text,
                    results={d: results[d] for d in s.get("depends_on", [])},
                ),
            )
            for s in ready
        ]
    )
