"""The offline model: a real chat model with tool calling and structured output, deterministic."""

from __future__ import annotations

from langchain_core.messages import HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import tool

from graph import prompts
from graph.offline_model import OfflineChatModel
from graph.state import Plan, Verdict


@tool("create-todo")
def create_todo(title: str) -> str:
    """Create a todo for the user."""
    return title


@tool("complete-todo")
def complete_todo(id: int) -> str:
    """Mark one of the user's todos complete."""
    return str(id)


@tool("list-todos")
def list_todos() -> str:
    """List the user's todos."""
    return "[]"


@tool("list-billing")
def list_billing() -> str:
    """Show the user's billing."""
    return "{}"


def plan_for(request: str, tools: list) -> Plan:  # type: ignore[type-arg]
    model = OfflineChatModel().with_structured_output(Plan, method="function_calling")
    result = model.invoke([SystemMessage(prompts.planner_system(tools, "")), HumanMessage(request)])
    assert isinstance(result, Plan)
    return result


def test_a_create_then_list_request_plans_the_list_after_the_create() -> None:
    plan = plan_for(
        "add a todo to buy milk, then show my todos and my billing",
        [create_todo, list_todos, list_billing],
    )
    assert [(s.id, s.tool, s.depends_on) for s in plan.steps] == [
        ("s1", "create-todo", []),
        ("s2", "list-todos", ["s1"]),
        ("s3", "list-billing", []),
    ]
    assert '"buy milk"' in plan.steps[0].goal


def test_billing_without_a_billing_tool_is_left_out_and_noted() -> None:
    plan = plan_for("show my todos and my billing", [list_todos])
    assert [s.tool for s in plan.steps] == ["list-todos"]
    assert "Billing is not available to you." in plan.notes


def test_a_greeting_needs_no_tool() -> None:
    assert plan_for("hello there", [list_todos]).steps == []


async def test_a_worker_calls_complete_todo_with_the_id_from_the_goal_and_reports_the_result() -> (
    None
):
    model = OfflineChatModel().bind_tools([complete_todo])
    system = SystemMessage(
        prompts.worker_system({"goal": "Mark todo 3 as complete.", "tool": "complete-todo"}, {})
    )
    first = await model.ainvoke([system, HumanMessage("complete todo 3")])
    assert [(c["name"], c["args"]) for c in first.tool_calls] == [("complete-todo", {"id": 3})]
    result = ToolMessage('{"id": 3, "completed": true}', tool_call_id=first.tool_calls[0]["id"])
    second = await model.ainvoke([system, HumanMessage("complete todo 3"), first, result])
    assert second.tool_calls == [] and second.content == '{"id": 3, "completed": true}'


def test_the_critic_rejects_failed_steps_with_feedback() -> None:
    review = prompts.review_input(
        "show my todos",
        "",
        [
            {
                "step_id": "s1",
                "goal": "List the user's todos.",
                "ok": False,
                "output": "tool call failed",
                "tool_calls": [],
                "started_at": 0.0,
                "finished_at": 0.0,
            }
        ],
    )
    verdict = (
        OfflineChatModel()
        .with_structured_output(Verdict)
        .invoke([SystemMessage(prompts.CRITIC_SYSTEM), HumanMessage(review)])
    )
    assert isinstance(verdict, Verdict)
    assert verdict.approved is False and "s1 failed" in verdict.feedback


async def test_the_answer_streams_in_pieces_that_add_up_to_the_whole() -> None:
    review = prompts.review_input("show my billing", "Billing is not available to you.", [])
    messages = [SystemMessage(prompts.ANSWER_SYSTEM), HumanMessage(review)]
    pieces = [str(c.text) async for c in OfflineChatModel().astream(messages)]
    whole = (await OfflineChatModel().ainvoke(messages)).content
    assert len(pieces) > 1 and "".join(pieces) == whole
    assert "Billing is not available to you." in whole
