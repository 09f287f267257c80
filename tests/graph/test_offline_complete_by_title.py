"""Completing a todo by its title with the offline model: a lookup step, then one clear match."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.tools import tool

from graph import prompts
from graph.offline_model import OfflineChatModel
from graph.state import Plan, StepResult

MILK = "b1214a2d-e5b8-45db-b9f0-c4020f30b326"
OAT_MILK = "6f0e0c3e-58a4-4c53-a0d4-3b0d6e7c9b11"
PLANTS = "0c4f6a51-2f0e-4d8b-9a43-51f6f1c1e2aa"
LOOKUP = """List the user's todos to find the one titled "buy milk"."""


@tool("complete-todo")
def complete_todo(id: str) -> str:
    """Mark one of the user's todos as completed, by its id (from list-todos)."""
    return id


@tool("list-todos")
def list_todos() -> str:
    """List the user's todos (id, title, completed, created_at)."""
    return "[]"


@tool("create-todo")
def create_todo(title: str) -> str:
    """Create a todo for the user with the given title."""
    return title


def plan_for(request: str, tools: list[Any]) -> list[tuple[str, str | None, list[str]]]:
    model = OfflineChatModel().with_structured_output(Plan, method="function_calling")
    plan = model.invoke([SystemMessage(prompts.planner_system(tools, "")), HumanMessage(request)])
    assert isinstance(plan, Plan)
    return [(s.id, s.tool, s.depends_on) for s in plan.steps]


def goals_for(request: str) -> list[str]:
    model = OfflineChatModel().with_structured_output(Plan, method="function_calling")
    tools = [create_todo, list_todos, complete_todo]
    plan = model.invoke([SystemMessage(prompts.planner_system(tools, "")), HumanMessage(request)])
    assert isinstance(plan, Plan)
    return [s.goal for s in plan.steps]


@pytest.mark.parametrize(
    "request_text",
    [
        "complete the buy milk todo",
        "mark buy milk as done",
        "Mark the buy milk task as completed.",
        "tick off 'buy milk'",
        'complete the todo called "buy milk"',
    ],
)
def test_completing_by_title_plans_a_listing_and_a_complete_step_that_depends_on_it(
    request_text: str,
) -> None:
    assert plan_for(request_text, [list_todos, complete_todo]) == [
        ("s1", "list-todos", []),
        ("s2", "complete-todo", ["s1"]),
    ]
    assert '"buy milk"' in goals_for(request_text)[1]


def test_completing_by_id_still_needs_no_listing() -> None:
    assert plan_for(f"complete todo {MILK}", [list_todos, complete_todo]) == [
        ("s1", "complete-todo", [])
    ]
    assert plan_for("mark todo 3 as done", [list_todos, complete_todo]) == [
        ("s1", "complete-todo", [])
    ]


def test_it_after_a_create_means_the_new_todo_and_the_lookup_waits_for_the_create() -> None:
    request = "add a todo to buy milk and mark it as done"
    assert plan_for(request, [create_todo, list_todos, complete_todo]) == [
        ("s1", "create-todo", []),
        ("s2", "list-todos", ["s1"]),
        ("s3", "complete-todo", ["s2"]),
    ]
    assert '"buy milk"' in goals_for(request)[2]


def test_words_inside_a_new_todos_title_ask_for_nothing_else() -> None:
    assert plan_for("add a todo to finish the report", [create_todo, complete_todo]) == [
        ("s1", "create-todo", [])
    ]
    assert plan_for("mark my words", [list_todos, complete_todo]) == []


def test_without_a_listing_tool_the_plan_says_to_name_the_todo_by_id() -> None:
    model = OfflineChatModel().with_structured_output(Plan, method="function_calling")
    plan = model.invoke(
        [
            SystemMessage(prompts.planner_system([complete_todo], "")),
            HumanMessage("mark buy milk as done"),
        ]
    )
    assert isinstance(plan, Plan) and plan.steps == []
    assert '"complete todo <id>"' in plan.notes


def test_complete_todo_is_never_taken_for_a_listing_tool_because_its_description_names_one() -> (
    None
):
    model = OfflineChatModel().with_structured_output(Plan, method="function_calling")
    plan = model.invoke(
        [SystemMessage(prompts.planner_system([complete_todo], "")), HumanMessage("show my todos")]
    )
    assert isinstance(plan, Plan) and plan.steps == []
    assert plan.notes == "Listing todos is not available to you."


def listing(*todos: tuple[str, str, bool], ok: bool = True) -> StepResult:
    body = {"todos": [{"id": i, "title": t, "completed": c} for i, t, c in todos]}
    return StepResult(
        step_id="s1",
        goal=LOOKUP,
        ok=ok,
        output=json.dumps(body, indent=2) if ok else "tool call failed (ConnectError)",
        tool_calls=[{"tool": "list-todos", "args": {}, "ok": ok}],
        started_at=0.0,
        finished_at=0.0,
    )


async def complete_step(title: str, *earlier: StepResult) -> AIMessage:
    """The offline worker's first turn on a complete-by-title step, given its dependencies."""
    goal = f'Mark the todo titled "{title}" as complete, using its id from the listed todos.'
    system = prompts.worker_system(
        {"goal": goal, "tool": "complete-todo"}, {r["step_id"]: r for r in earlier}
    )
    model = OfflineChatModel().bind_tools([complete_todo])
    reply = await model.ainvoke([SystemMessage(system), HumanMessage(f"Do only this step: {goal}")])
    assert isinstance(reply, AIMessage)
    return reply


async def test_the_worker_completes_the_todo_whose_title_matches_using_the_listed_id() -> None:
    reply = await complete_step(
        "buy milk",
        listing((PLANTS, "water the plants", False), (OAT_MILK, "buy oat milk", False)),
    )
    # "buy milk" is in "buy oat milk" and nothing else matches: one clear match.
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == [
        ("complete-todo", {"id": OAT_MILK})
    ]


async def test_an_exact_title_wins_over_titles_that_merely_contain_it() -> None:
    reply = await complete_step(
        "Buy Milk",
        listing((OAT_MILK, "buy oat milk", False), (MILK, "buy milk", False)),
    )
    assert [c["args"] for c in reply.tool_calls] == [{"id": MILK}]


async def test_an_open_todo_wins_over_a_done_one_with_the_same_title() -> None:
    reply = await complete_step(
        "buy milk", listing((MILK, "buy milk", True), (OAT_MILK, "buy milk", False))
    )
    assert [c["args"] for c in reply.tool_calls] == [{"id": OAT_MILK}]


async def test_two_similar_titles_are_reported_with_their_ids_not_guessed() -> None:
    reply = await complete_step(
        "milk", listing((MILK, "buy milk", False), (OAT_MILK, "buy oat milk", False))
    )
    assert reply.tool_calls == []
    text = str(reply.content)
    assert text.startswith('"milk" matches 2 of your open todos, so none was marked as done')
    assert f"- buy milk (id {MILK})" in text and f"- buy oat milk (id {OAT_MILK})" in text
    assert f'"complete todo {MILK}"' in text


async def test_the_same_title_twice_is_ambiguous_too() -> None:
    reply = await complete_step(
        "buy milk", listing((MILK, "buy milk", False), (OAT_MILK, "Buy milk!", False))
    )
    assert reply.tool_calls == [] and "matches 2 of your open todos" in str(reply.content)


async def test_no_matching_todo_is_said_plainly_with_the_open_todos_and_no_tool_call() -> None:
    reply = await complete_step(
        "walk the dog", listing((MILK, "buy milk", False), (PLANTS, "water the plants", True))
    )
    assert reply.tool_calls == []
    assert reply.content == (
        'I found no todo matching "walk the dog", so nothing was marked as done.'
        ' Your open todos: "buy milk".'
    )


async def test_a_todo_already_done_is_not_completed_again() -> None:
    reply = await complete_step("buy milk", listing((MILK, "buy milk", True)))
    assert reply.tool_calls == []
    assert reply.content == f'"buy milk" is already marked as done (id {MILK}).'


async def test_a_failed_lookup_means_no_guess() -> None:
    reply = await complete_step("buy milk", listing(ok=False))
    assert reply.tool_calls == []
    assert reply.content == 'I could not look up your todos, so "buy milk" was not marked as done.'
