"""The answer writer: the final answer, streamed as ``token`` events, then the run's tools are released."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langgraph.runtime import Runtime

from graph import prompts
from graph.context import Context
from graph.deps import GraphDeps, emit
from graph.events import TokenEvent
from graph.planner import latest_request
from graph.run_identity import identify
from graph.state import State

AnswerNode = Callable[[State, Runtime[Context]], Coroutine[Any, Any, dict[str, Any]]]


def make_answer(deps: GraphDeps) -> AnswerNode:
    async def answer(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
        who = identify(runtime)
        try:
            tools = await deps.tools.tools(who)
            messages = state.get("messages", [])
            request = latest_request(messages)
            plan = state.get("plan") or {}
            results = state.get("results", {})
            ordered = [results[s["id"]] for s in plan.get("steps", []) if s["id"] in results]
            review = prompts.review_input(
                str(request.text) if request else "",
                plan.get("notes", ""),
                ordered,
                [t.name for t in tools],
            )
            # Earlier turns give the writer the conversation; the last human turn is the review.
            history = messages[:-1] if request is not None and messages[-1] is request else messages
            text = ""
            async for chunk in deps.model.astream(
                [SystemMessage(prompts.ANSWER_SYSTEM), *history, HumanMessage(review)]
            ):
                piece = str(chunk.text)
                if piece:
                    text += piece
                    emit(runtime, TokenEvent(text=piece))
            verdict = state.get("verdict") or {}
            if verdict.get("approved") is False:
                # The revision cap was reached without approval: say so, in code, not by prompt.
                note = (
                    f"\n\n(Not fully verified: after {state.get('revision', 0)} revision(s) the "
                    f"reviewer still had concerns: {verdict.get('feedback') or 'none given'})"
                )
                text += note
                emit(runtime, TokenEvent(text=note))
            return {"messages": [AIMessage(text)]}
        finally:
            await deps.tools.close(who.run_key)

    return answer
