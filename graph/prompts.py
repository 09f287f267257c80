"""Prompts of the planner, worker, critic and answer writer.

Each system prompt starts with a distinct role line (``ROLE_*``): test doubles of an
OpenAI-compatible server key their scripted replies on it. The labelled sections
(``SECTION_*``) are plain text for a real model and stable markers the offline
model reads, so both go through the same prompts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from langchain_core.tools import BaseTool

from graph.state import StepResult

ROLE_PLANNER = "You are Baton's planner."
ROLE_WORKER = "You are Baton's worker."
ROLE_CRITIC = "You are Baton's critic."
ROLE_ANSWER = "You are Baton's answer writer."

SECTION_TOOLS = "Tools this user can use:"
SECTION_REQUEST = "Request:"
SECTION_NOTES = "Planner notes:"
SECTION_RESULTS = "Step results (one JSON object per line):"
SECTION_GOAL = "Step goal:"
SECTION_SUGGESTED_TOOL = "Suggested tool:"
SECTION_EARLIER = "Results of the steps this one depends on:"
SECTION_FEEDBACK = "Critic feedback on the previous plan:"
SECTION_AVAILABLE = "Tools available to the user:"

PLANNER_SYSTEM = f"""{ROLE_PLANNER} Turn the user's latest request into a short plan of steps.
Each step has an id ("s1", "s2", ...), a goal stating exactly what to do (including values
such as a todo's title or id), the one tool to use, and depends_on listing the ids of steps
that must finish first (for example, listing todos after creating one). Independent steps
must not depend on each other, so that they run in parallel. To act on a todo the user
names by its title rather than its id, first list the todos in one step, then act on it
in a step that depends on that one.
Use only the tools listed below. If the user asks for something none of them provides,
leave it out of the plan and say in notes that it is not available to them.
If the request needs no tool (a greeting, a question about the conversation), return no steps.

{SECTION_TOOLS}
{{tools}}
{{feedback}}"""

WORKER_SYSTEM = f"""{ROLE_WORKER} Carry out exactly one step of a plan for the user, calling
the tools you are given. When done, reply with the facts you found or the change you made,
quoting the tool output (ids, titles, amounts) accurately. Do not invent data.
A value the step needs but its goal lacks (such as the id of a todo named by its title) is
in the results of the steps it depends on, below. If those results match no item, or more
than one equally well, do not call a tool on a guess: reply saying so, naming the
candidates and their ids.

{SECTION_GOAL} {{goal}}
{SECTION_SUGGESTED_TOOL} {{tool}}
{SECTION_EARLIER}
{{earlier}}"""

CRITIC_SYSTEM = f"""{ROLE_CRITIC} Check the step results against the user's request.
Approve when they answer every part of it that the user's tools allow (a capability listed
as unavailable in the planner notes is not a failure). Otherwise do not approve, and give
concrete feedback for a better plan."""

ANSWER_SYSTEM = f"""{ROLE_ANSWER} Write the final answer to the user from the step results.
Be concise and specific: name the todos, ids and billing figures from the results. Say
plainly when something the user asked for is not available to them or failed. Never
invent data that is not in the results."""


def describe_tools(tools: Iterable[BaseTool]) -> str:
    """One ``- name: description`` line per tool (the offline model reads these lines)."""
    lines = [f"- {t.name}: {' '.join((t.description or '').split())}" for t in tools]
    return "\n".join(lines) or "- (none)"


def planner_system(tools: Iterable[BaseTool], feedback: str) -> str:
    extra = f"\n{SECTION_FEEDBACK}\n{feedback}\n" if feedback else ""
    return PLANNER_SYSTEM.format(tools=describe_tools(tools), feedback=extra)


def worker_system(step: Mapping[str, Any], earlier: Mapping[str, StepResult]) -> str:
    return WORKER_SYSTEM.format(
        goal=step.get("goal", ""),
        tool=step.get("tool") or "(any)",
        earlier=format_results(earlier.values()) or "(none)",
    )


def format_results(results: Iterable[StepResult]) -> str:
    """Step results as JSON lines: stable for the offline model, readable for a real one."""
    return "\n".join(
        json.dumps(
            {
                "step": r["step_id"],
                "goal": r["goal"],
                "ok": r["ok"],
                "tools": [c["tool"] for c in r["tool_calls"]],
                "output": r["output"],
            },
            ensure_ascii=False,
        )
        for r in results
    )


def review_input(
    request: str, notes: str, results: Iterable[StepResult], tool_names: Iterable[str] = ()
) -> str:
    """The human turn given to the critic and the answer writer."""
    return (
        f"{SECTION_REQUEST} {request}\n"
        f"{SECTION_AVAILABLE} {', '.join(tool_names) or '(none)'}\n"
        f"{SECTION_NOTES} {notes or '(none)'}\n"
        f"{SECTION_RESULTS}\n{format_results(results) or '(no steps were run)'}"
    )
