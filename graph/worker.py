"""A worker: one plan step, a tool-calling loop bounded by ``worker_max_iterations``."""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.messages.tool import ToolCall
from langchain_core.tools import BaseTool
from langgraph.runtime import Runtime

from graph import prompts
from graph.context import Context
from graph.deps import GraphDeps, emit
from graph.errors import RunFailure
from graph.events import StepEvent, ToolCallEvent, ToolResultEvent
from graph.run_identity import identify
from graph.state import StepResult, ToolCallRecord, WorkerInput

WorkerNode = Callable[[WorkerInput, Runtime[Context]], Coroutine[Any, Any, dict[str, Any]]]
EVENT_TEXT_LIMIT = 4000


def make_worker(deps: GraphDeps) -> WorkerNode:
    async def worker(task: WorkerInput, runtime: Runtime[Context]) -> dict[str, Any]:
        step = task["step"]
        step_id, goal = step["id"], step["goal"]
        started = time.time()
        emit(runtime, StepEvent(step_id=step_id, status="started", goal=goal))
        who = identify(runtime)
        all_tools = await deps.tools.tools(who)
        # The planner chose a tool; offering just that one keeps the worker on its step.
        offered = [t for t in all_tools if t.name == step.get("tool")] or all_tools
        by_name = {t.name: t for t in offered}
        model = deps.model.bind_tools(offered) if offered else deps.model
        messages: list[BaseMessage] = [
            SystemMessage(prompts.worker_system(step, task["results"])),
            HumanMessage(f"{prompts.SECTION_REQUEST} {task['request']}\nDo only this step: {goal}"),
        ]
        calls: list[ToolCallRecord] = []
        output, finished = "", False
        for _ in range(deps.worker_max_iterations):
            reply = await model.ainvoke(messages)
            messages.append(reply)
            if not isinstance(reply, AIMessage) or not reply.tool_calls:
                output, finished = str(reply.text), True
                break
            for call in reply.tool_calls:
                result = await _call_tool(deps, who.run_key, by_name, call, step_id, runtime)
                messages.append(result)
                calls.append(
                    ToolCallRecord(
                        tool=call["name"], args=call["args"], ok=result.status != "error"
                    )
                )
        if not finished:
            output = f"stopped after {deps.worker_max_iterations} model calls without finishing"
        ok = finished and (not calls or calls[-1]["ok"])
        emit(
            runtime,
            StepEvent(
                step_id=step_id,
                status="done" if ok else "failed",
                goal=goal,
                result=output[:EVENT_TEXT_LIMIT],
            ),
        )
        step_result = StepResult(
            step_id=step_id,
            goal=goal,
            ok=ok,
            output=output,
            tool_calls=calls,
            started_at=started,
            finished_at=time.time(),
        )
        return {"results": {step_id: step_result}}

    return worker


async def _call_tool(
    deps: GraphDeps,
    run_key: str,
    tools: dict[str, BaseTool],
    call: ToolCall,
    step_id: str,
    runtime: Runtime[Context],
) -> ToolMessage:
    call_id = call.get("id") or ""
    name = call["name"]
    emit(runtime, ToolCallEvent(step_id=step_id, call_id=call_id, tool=name, args=call["args"]))
    tool = tools.get(name)
    if tool is None:
        message = ToolMessage(f"unknown tool {name!r}", tool_call_id=call_id, status="error")
    else:
        try:
            message = await deps.tools.invoke(run_key, tool, call)
        except RunFailure:
            raise  # lost access to the tools: the run cannot go on
        except Exception as exc:
            message = ToolMessage(
                f"tool call failed ({type(exc).__name__})", tool_call_id=call_id, status="error"
            )
    text = tool_text(message)
    emit(
        runtime,
        ToolResultEvent(
            step_id=step_id,
            call_id=call_id,
            tool=name,
            ok=message.status != "error",
            content=text[:EVENT_TEXT_LIMIT],
        ),
    )
    # Hand the model plain text: MCP content blocks carry ids and types it does not need.
    return ToolMessage(text, tool_call_id=call_id, name=name, status=message.status)


def tool_text(message: ToolMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "\n".join(
        str(b.get("text", "")) if isinstance(b, dict) else str(b) for b in content
    ).strip()
