"""The critic: approves the results (→ answer) or sends feedback to the planner, up to the revision cap."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any, Literal

from langchain_core.exceptions import OutputParserException
from langchain_core.messages import HumanMessage, SystemMessage
from langgraph.runtime import Runtime
from langgraph.types import Command
from pydantic import ValidationError

from graph import prompts
from graph.context import Context
from graph.deps import GraphDeps, emit
from graph.events import CritiqueEvent
from graph.planner import latest_request
from graph.state import State, Verdict

log = logging.getLogger(__name__)
CriticNode = Callable[
    [State, Runtime[Context]], Coroutine[Any, Any, Command[Literal["planner", "answer"]]]
]


def make_critic(deps: GraphDeps) -> CriticNode:
    critic_model = deps.model.with_structured_output(Verdict, method="function_calling")

    async def critic(
        state: State, runtime: Runtime[Context]
    ) -> Command[Literal["planner", "answer"]]:
        request = latest_request(state.get("messages", []))
        plan = state.get("plan") or {}
        results = [
            state.get("results", {})[s["id"]]
            for s in plan.get("steps", [])
            if s["id"] in state.get("results", {})
        ]
        review = prompts.review_input(
            str(request.text) if request else "", plan.get("notes", ""), results
        )
        revision = state.get("revision", 0)
        unusable = False
        try:
            raw = await critic_model.ainvoke(
                [SystemMessage(prompts.CRITIC_SYSTEM), HumanMessage(review)]
            )
            verdict = raw if isinstance(raw, Verdict) else Verdict.model_validate(raw)
        except (OutputParserException, ValidationError) as exc:
            # No usable review: answer now, and the answer says it was not verified.
            log.warning("critic output unusable: %s", type(exc).__name__)
            verdict = Verdict(approved=False, feedback="the review could not be completed")
            unusable = True
        emit(
            runtime,
            CritiqueEvent(approved=verdict.approved, feedback=verdict.feedback, revision=revision),
        )
        if verdict.approved or unusable or revision >= deps.max_revisions:
            return Command(goto="answer", update={"verdict": verdict.model_dump()})
        return Command(
            goto="planner", update={"verdict": verdict.model_dump(), "revision": revision + 1}
        )

    return critic
