"""Baton's offline chat model: deterministic, no network, real tool calling.

A ``BaseChatModel`` like any other: ``bind_tools`` binds OpenAI-format tool schemas,
``with_structured_output`` goes through tool calling (LangChain's default), and it
streams. It decides what to do the way a real model would, from what it is given:
a bound ``Plan`` or ``Verdict`` schema means it is planning or critiquing, other
bound tools mean it is a worker, no tools means it is writing the answer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from graph import offline_answer, offline_logic, offline_match, offline_reading, prompts


class OfflineChatModel(BaseChatModel):
    """Plans, calls the demo tools and answers, deterministically."""

    @property
    def _llm_type(self) -> str:
        return "baton-offline"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    def with_structured_output(  # type: ignore[override]
        self, schema: Any, *, include_raw: bool = False, **kwargs: Any
    ) -> Runnable[LanguageModelInput, Any]:
        # ``method``/``strict`` choose how a hosted model enforces the schema; tool calling is
        # the only way here, so accept and ignore them (callers stay model-agnostic).
        kwargs.pop("method", None)
        kwargs.pop("strict", None)
        return super().with_structured_output(schema, include_raw=include_raw, **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=respond(messages, kwargs))])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._generate(messages, stop, **kwargs)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        yield from _chunks(respond(messages, kwargs))

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        for chunk in _chunks(respond(messages, kwargs)):
            if run_manager is not None:
                await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk


def respond(messages: list[BaseMessage], kwargs: dict[str, Any]) -> AIMessage:
    """The offline model's reply to ``messages`` given the bound ``tools``."""
    tools = {t["function"]["name"]: t["function"] for t in kwargs.get("tools") or []}
    system = next((_text(m) for m in messages if isinstance(m, SystemMessage)), "")
    human = next((_text(m) for m in reversed(messages) if isinstance(m, HumanMessage)), "")
    if "Plan" in tools:
        plan = offline_logic.make_plan(human, offline_reading.parse_tool_lines(system))
        return _call("Plan", plan, system)
    if "Verdict" in tools:
        _, _, results, _ = offline_reading.parse_review(human)
        approved, feedback = offline_answer.critique(results)
        return _call("Verdict", {"approved": approved, "feedback": feedback}, system)
    if tools:
        return _work(messages, system, tools)
    request, notes, results, names = offline_reading.parse_review(human)
    return AIMessage(content=offline_answer.write_answer(request, notes, results, names))


def _work(messages: list[BaseMessage], system: str, tools: dict[str, dict[str, Any]]) -> AIMessage:
    """A worker turn: call the step's tool once, then report its output verbatim.

    A goal naming a todo by title (not id) takes the id from the todos the earlier steps
    listed; without one clear match it reports why instead of calling the tool.
    """
    results = [m for m in messages if isinstance(m, ToolMessage)]
    if results:
        return AIMessage(content="\n".join(_text(m) for m in results))
    goal = _line_after(system, prompts.SECTION_GOAL)
    suggested = _line_after(system, prompts.SECTION_SUGGESTED_TOOL)
    name = suggested if suggested in tools else next(iter(tools))
    parameters = tools[name].get("parameters", {})
    title = offline_logic.titled_in(goal)
    id_name = offline_logic.id_parameter(parameters)
    if title is not None and id_name is not None:
        todos = offline_match.listed_todos(offline_reading.earlier_results(system))
        choice = offline_match.choose(title, todos)
        if choice.todo is None:
            return AIMessage(content=choice.message)
        return _call(name, {id_name: choice.todo["id"]}, system)
    return _call(name, offline_logic.tool_arguments(goal, parameters), system)


def _call(name: str, args: dict[str, Any], salt: str) -> AIMessage:
    """A tool call whose id is deterministic yet differs between steps (``salt``: the prompt)."""
    digest = hashlib.sha256(
        f"{salt}\0{name}\0{json.dumps(args, sort_keys=True)}".encode()
    ).hexdigest()
    return AIMessage(
        content="", tool_calls=[{"name": name, "args": args, "id": f"call_{digest[:16]}"}]
    )


def _chunks(message: AIMessage) -> Iterator[ChatGenerationChunk]:
    if message.tool_calls:
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                tool_call_chunks=[
                    {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i}
                    for i, c in enumerate(message.tool_calls)
                ],
            )
        )
        return
    # Word-sized pieces, like a hosted model's token stream.
    for piece in re.findall(r"\S+\s*|\s+", _text(message)):
        yield ChatGenerationChunk(message=AIMessageChunk(content=piece))


def _line_after(text: str, label: str) -> str:
    for line in text.splitlines():
        if line.startswith(label):
            return line.removeprefix(label).strip()
    return ""


def _text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(
        b.get("text", "") if isinstance(b, dict) else str(b) for b in content if b is not None
    )
