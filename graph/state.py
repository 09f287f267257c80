"""Graph state: the conversation, the plan, the workers' results and the critic's verdict.

Nothing here may hold a credential: state is checkpointed. Plans and verdicts are
stored as plain dicts (``model_dump()``), so the checkpoint serializer never has to
revive custom classes.
"""

from __future__ import annotations

from typing import Annotated, Any

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages
from pydantic import BaseModel, Field
from typing_extensions import TypedDict


class PlanStep(BaseModel):
    """One unit of work for a worker."""

    id: str = Field(description="Short unique id such as 's1'.")
    goal: str = Field(description="What this step must find out or do, with any values it needs.")
    tool: str | None = Field(
        default=None, description="Name of the one tool this step should use, if any."
    )
    depends_on: list[str] = Field(
        default_factory=list, description="Ids of steps that must finish before this one."
    )


class Plan(BaseModel):
    """The planner's structured output."""

    steps: list[PlanStep] = Field(
        default_factory=list,
        description="Steps to run; empty when the request needs no tool.",
    )
    notes: str = Field(
        default="",
        description="Anything the answer must mention, e.g. a capability the user lacks.",
    )


class Verdict(BaseModel):
    """The critic's structured output."""

    approved: bool = Field(description="True when the results fully answer the request.")
    feedback: str = Field(default="", description="What the planner should change, if not.")


class ToolCallRecord(TypedDict):
    tool: str
    args: dict[str, Any]
    ok: bool


class StepResult(TypedDict):
    step_id: str
    goal: str
    ok: bool
    output: str
    tool_calls: list[ToolCallRecord]
    started_at: float
    finished_at: float


def merge_results(
    left: dict[str, StepResult] | None, right: dict[str, StepResult] | None
) -> dict[str, StepResult]:
    """Parallel workers each return ``{step_id: result}``; merge them (a new plan resets with ``Overwrite``)."""
    return {**(left or {}), **(right or {})}


class State(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    plan: dict[str, Any] | None
    """``Plan.model_dump()`` of the current plan."""
    results: Annotated[dict[str, StepResult], merge_results]
    verdict: dict[str, Any] | None
    """``Verdict.model_dump()`` of the latest critique."""
    request_id: str | None
    """Id of the human message the current plan answers (tells a revision from a new turn)."""
    revision: int
    """How many times the critic sent the plan back for this request."""


class WorkerInput(TypedDict):
    """What ``Send`` hands one worker."""

    step: dict[str, Any]
    """``PlanStep.model_dump()``."""
    request: str
    results: dict[str, StepResult]
