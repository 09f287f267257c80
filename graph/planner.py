"""The planner: the request, the conversation and any critic feedback → a plan over the user's tools."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Literal

from langchain_core.exceptions import OutputParserException
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langgraph.runtime import Runtime
from langgraph.types import Command, Overwrite
from pydantic import ValidationError

from graph import prompts
from graph.context import Context
from graph.deps import GraphDeps, emit
from graph.events import PlanEvent, PlanStepView
from graph.run_identity import identify
from graph.state import Plan, PlanStep, State, StepResult

log = logging.getLogger(__name__)
PlannerNode = Callable[
    [State, Runtime[Context]], Coroutine[Any, Any, Command[Literal["schedule", "answer"]]]
]


def make_planner(deps: GraphDeps) -> PlannerNode:
    planner_model = deps.model.with_structured_output(Plan, method="function_calling")

    async def planner(
        state: State, runtime: Runtime[Context]
    ) -> Command[Literal["schedule", "answer"]]:
        messages = state.get("messages", [])
        request = latest_request(messages)
        request_id = request.id if request else None
        # A revision only when the critic sent back a plan for this same request.
        verdict = state.get("verdict") or {}
        revising = state.get("request_id") == request_id and verdict.get("approved") is False
        revision = state.get("revision", 0) if revising else 0
        tools = await deps.tools.tools(identify(runtime))
        system = prompts.planner_system(tools, verdict.get("feedback", "") if revising else "")
        try:
            raw = await planner_model.ainvoke([SystemMessage(system), *messages])
            parsed = raw if isinstance(raw, Plan) else Plan.model_validate(raw)
        except (OutputParserException, ValidationError) as exc:
            # A model that cannot produce a valid plan still gets to answer, honestly.
            log.warning("planner output unusable: %s", type(exc).__name__)
            parsed = Plan(notes="I could not make a plan for this request, so no tools were used.")
        plan = sanitize(parsed, {t.name for t in tools})
        emit(
            runtime,
            PlanEvent(
                revision=revision,
                steps=[PlanStepView(**s.model_dump()) for s in plan.steps],
                direct_answer=not plan.steps,
            ),
        )
        kept = carried_over(plan, state.get("results", {})) if revising else {}
        return Command(
            goto="schedule" if plan.steps else "answer",
            update={
                "plan": plan.model_dump(),
                "results": Overwrite(kept),
                "request_id": request_id,
                "revision": revision,
                "verdict": verdict if revising else None,
            },
        )

    return planner


def latest_request(messages: Sequence[BaseMessage]) -> BaseMessage | None:
    return next((m for m in reversed(messages) if isinstance(m, HumanMessage)), None)


def carried_over(plan: Plan, previous: dict[str, StepResult]) -> dict[str, StepResult]:
    """Successful results of the previous attempt for identical steps of the revised plan.

    A revision must not repeat work that already succeeded (creating the same todo twice).
    """
    done = {
        (r["goal"], tuple(c["tool"] for c in r["tool_calls"])): r
        for r in previous.values()
        if r["ok"]
    }
    kept: dict[str, StepResult] = {}
    for step in plan.steps:
        for (goal, tools), result in done.items():
            if goal == step.goal and (step.tool is None or step.tool in tools):
                kept[step.id] = StepResult(**{**result, "step_id": step.id})
                break
    return kept


def sanitize(plan: Plan, tool_names: set[str]) -> Plan:
    """Keep only steps over tools the user has, with unique ids and known dependencies."""
    kept: list[PlanStep] = []
    notes = [plan.notes] if plan.notes else []
    seen: set[str] = set()
    for step in plan.steps:
        if step.tool is not None and step.tool not in tool_names:
            notes.append(f"The tool {step.tool!r} is not available to you.")
            continue
        step_id = step.id if step.id and step.id not in seen else f"s{len(seen) + 1}"
        seen.add(step_id)
        kept.append(step.model_copy(update={"id": step_id}))
    for step in kept:
        step.depends_on = [d for d in step.depends_on if d in seen and d != step.id]
    return Plan(steps=kept, notes=" ".join(notes))
