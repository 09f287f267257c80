"""Typed progress events of a graph run, as the front end streams them (DESIGN.md section 6).

Each event's ``type`` is the SSE ``event:`` field; ``model_dump()`` is its ``data:``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter


class PlanStepView(BaseModel):
    id: str
    goal: str
    tool: str | None = None
    depends_on: list[str] = Field(default_factory=list)


class PlanEvent(BaseModel):
    """The planner produced (or revised) a plan."""

    type: Literal["plan"] = "plan"
    revision: int = 0
    steps: list[PlanStepView]
    direct_answer: bool = False


class StepEvent(BaseModel):
    """A worker started or finished one plan step."""

    type: Literal["step"] = "step"
    step_id: str
    status: Literal["started", "done", "failed"]
    goal: str = ""
    result: str | None = None


class ToolCallEvent(BaseModel):
    type: Literal["tool_call"] = "tool_call"
    step_id: str | None = None
    call_id: str
    tool: str
    args: dict[str, Any] = Field(default_factory=dict)


class ToolResultEvent(BaseModel):
    type: Literal["tool_result"] = "tool_result"
    step_id: str | None = None
    call_id: str
    tool: str
    ok: bool = True
    content: str = ""


class CritiqueEvent(BaseModel):
    type: Literal["critique"] = "critique"
    approved: bool
    feedback: str = ""
    revision: int = 0


class TokenEvent(BaseModel):
    """A piece of the final answer as it streams."""

    type: Literal["token"] = "token"
    text: str


class FinalEvent(BaseModel):
    type: Literal["final"] = "final"
    thread_id: str
    answer: str


class ErrorEvent(BaseModel):
    """The run failed; ``message`` is safe to show the user (never a token or a stack trace)."""

    type: Literal["error"] = "error"
    message: str
    retryable: bool = False


ChatEvent = Annotated[
    PlanEvent
    | StepEvent
    | ToolCallEvent
    | ToolResultEvent
    | CritiqueEvent
    | TokenEvent
    | FinalEvent
    | ErrorEvent,
    Field(discriminator="type"),
]
chat_event_adapter: TypeAdapter[ChatEvent] = TypeAdapter(ChatEvent)

__all__ = [
    "ChatEvent",
    "CritiqueEvent",
    "ErrorEvent",
    "FinalEvent",
    "PlanEvent",
    "PlanStepView",
    "StepEvent",
    "TokenEvent",
    "ToolCallEvent",
    "ToolResultEvent",
    "chat_event_adapter",
]
