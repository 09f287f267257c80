"""The offline model's answers read like a person wrote them: billing, money, todo lists."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from graph import prompts
from graph.offline_format import money
from graph.offline_model import OfflineChatModel
from graph.state import StepResult

# What the real Todos API returns for alice (seeded figures), as the MCP tool dumps it.
ALICE_BILLING: dict[str, Any] = {
    "currency": "EUR",
    "invoices": [
        {
            "amount_cents": 10610,
            "currency": "EUR",
            "id": "inv_91860f50fc7d_01",
            "issued_on": "2026-04-01",
            "period": "2026-03",
            "status": "paid",
        },
        {
            "amount_cents": 10720,
            "currency": "EUR",
            "id": "inv_91860f50fc7d_02",
            "issued_on": "2026-05-01",
            "period": "2026-04",
            "status": "paid",
        },
        {
            "amount_cents": 12360,
            "currency": "EUR",
            "id": "inv_91860f50fc7d_03",
            "issued_on": "2026-06-01",
            "period": "2026-05",
            "status": "open",
        },
    ],
    "monthly_amount_cents": 9900,
    "plan": "Business",
}
MILK_ID = "b1214a2d-e5b8-45db-b9f0-c4020f30b326"
PLANTS_ID = "0c4f6a51-2f0e-4d8b-9a43-51f6f1c1e2aa"


def result(step: str, goal: str, tool: str, output: Any, ok: bool = True) -> StepResult:
    return StepResult(
        step_id=step,
        goal=goal,
        ok=ok,
        output=output if isinstance(output, str) else json.dumps(output, indent=2),
        tool_calls=[{"tool": tool, "args": {}, "ok": ok}],
        started_at=0.0,
        finished_at=0.0,
    )


def answer(*results: StepResult, notes: str = "") -> str:
    review = prompts.review_input("the request", notes, results, ["list-todos"])
    reply = OfflineChatModel().invoke([SystemMessage(prompts.ANSWER_SYSTEM), HumanMessage(review)])
    return str(reply.content)


def test_billing_reads_as_the_plan_then_one_line_per_invoice_with_the_open_one_marked() -> None:
    text = answer(result("s1", "Show the user's billing.", "list-billing", ALICE_BILLING))

    assert text.splitlines() == [
        "Your plan: Business, 99.00 EUR a month.",
        "Invoices:",
        "- 2026-03: 106.10 EUR, paid (inv_91860f50fc7d_01)",
        "- 2026-04: 107.20 EUR, paid (inv_91860f50fc7d_02)",
        "- 2026-05: 123.60 EUR, OPEN, not paid yet (inv_91860f50fc7d_03)",
        "Still to pay: 123.60 EUR (1 open invoice).",
    ]


def test_billing_with_every_invoice_paid_says_so_and_sums_open_ones_per_currency() -> None:
    paid = {**ALICE_BILLING, "invoices": ALICE_BILLING["invoices"][:2]}
    assert "All invoices are paid." in answer(
        result("s1", "Show the user's billing.", "list-billing", paid)
    )
    mixed = {
        "plan": "Team",
        "monthly_amount_cents": 2900,
        "currency": "USD",
        "invoices": [
            {"period": "2026-01", "amount_cents": 2950, "status": "open"},
            {"period": "2026-02", "amount_cents": 3000, "status": "open"},
            {"period": "2026-03", "amount_cents": 1500, "currency": "GBP", "status": "open"},
        ],
    }
    text = answer(result("s1", "Show the user's billing.", "list-billing", mixed))
    # An invoice without its own currency is in the account's.
    assert "- 2026-01: 29.50 USD, OPEN, not paid yet" in text
    assert "Still to pay: 59.50 USD + 15.00 GBP (3 open invoices)." in text


def test_billing_of_an_unknown_shape_keeps_every_figure() -> None:
    text = answer(
        result(
            "s1",
            "Show the user's billing.",
            "list-billing",
            {"plan": "Pro", "amount_due": "42.00", "credit_cents": 250, "currency": "USD"},
        )
    )
    assert text == "Your plan: Pro.\nAmount due: 42.00 USD, credit: 2.50 USD."


@pytest.mark.parametrize(
    ("minor_units", "currency", "shown"),
    [
        (10610, "EUR", "106.10 EUR"),
        (5, "usd", "0.05 USD"),  # codes are upper-cased; small amounts keep their zeros
        (-1250, "GBP", "-12.50 GBP"),  # a credit keeps its sign
        (0, "CHF", "0.00 CHF"),
        (500, "JPY", "500 JPY"),  # no minor unit: 500 "cents" of yen are 500 yen
        (1500, "KWD", "1.500 KWD"),  # thousandths
        (10**30 + 7, "EUR", "1" + "0" * 28 + ".07 EUR"),  # exact beyond float precision
        (1234, None, "12.34"),
        (1999.0, "EUR", "19.99 EUR"),
    ],
)
def test_amounts_are_formatted_from_minor_units_for_the_currency_given(
    minor_units: int | float, currency: str | None, shown: str
) -> None:
    assert money(minor_units, currency) == shown


def test_todos_are_a_checklist_with_done_ones_ticked_and_each_id_at_the_end_of_its_line() -> None:
    todos = {
        "todos": [
            {"id": MILK_ID, "title": "buy milk", "completed": False, "created_at": "2026-01-01"},
            {"id": PLANTS_ID, "title": "water the plants", "completed": True},
        ]
    }
    text = answer(result("s1", "List the user's todos.", "list-todos", todos))

    assert text.splitlines() == [
        "Your todos (1 open, 1 done):",
        f"- [ ] buy milk (id {MILK_ID})",
        f"- [x] water the plants (id {PLANTS_ID})",
    ]


def test_no_todos_is_said_plainly() -> None:
    text = answer(result("s1", "List the user's todos.", "list-todos", {"todos": []}))
    assert text == "You have no todos."


def test_created_and_completed_todos_are_named_first_with_the_id_last() -> None:
    todo = {"id": MILK_ID, "title": "buy milk", "completed": False}
    text = answer(
        result("s1", 'Create a todo titled "buy milk".', "create-todo", todo),
        result("s2", "Mark todo x as complete.", "complete-todo", {**todo, "completed": True}),
    )
    assert text == (
        f'I added "buy milk" to your todos (id {MILK_ID}).\n\n'
        f'I marked "buy milk" as done (id {MILK_ID}).'
    )


def test_a_listing_made_only_to_find_a_todo_by_title_is_not_repeated_in_the_answer() -> None:
    todos = {"todos": [{"id": MILK_ID, "title": "buy milk", "completed": False}]}
    done = {"id": MILK_ID, "title": "buy milk", "completed": True}
    text = answer(
        result(
            "s1",
            """List the user's todos to find the one titled "buy milk".""",
            "list-todos",
            todos,
        ),
        result("s2", 'Mark the todo titled "buy milk" as complete.', "complete-todo", done),
        notes="Billing is not available to you.",
    )
    assert (
        text == f'I marked "buy milk" as done (id {MILK_ID}).\n\nBilling is not available to you.'
    )


def test_a_failed_lookup_is_still_reported() -> None:
    text = answer(
        result(
            "s1",
            """List the user's todos to find the one titled "buy milk".""",
            "list-todos",
            "tool call failed (ConnectError)",
            ok=False,
        )
    )
    assert text.startswith("I could not list the user's todos to find the one titled")
    assert "tool call failed (ConnectError)" in text
