"""Billing: seeded deterministically from the subject, identical on both stores."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.support.todos import RunningTodosApi
from todos_api.store.seed import seed_billing


def _billing(api: RunningTodosApi, token: str) -> httpx.Response:
    return httpx.get(
        f"{api.url}/api/billing", headers={"Authorization": f"Bearer {token}"}, timeout=10.0
    )


def _expected(sub: str) -> dict[str, object]:
    seed = seed_billing(sub)
    return {
        "plan": seed.plan,
        "monthly_amount_cents": seed.monthly_amount_cents,
        "currency": seed.currency,
        "invoices": [
            {
                "id": inv.id,
                "period": inv.period,
                "issued_on": inv.issued_on.isoformat(),
                "amount_cents": inv.amount_cents,
                "currency": inv.currency,
                "status": inv.status,
            }
            for inv in seed.invoices
        ],
    }


def test_alice_sees_the_billing_derived_from_her_subject_every_time(
    api_on_each_store: RunningTodosApi, token_for: Callable[[str], str]
) -> None:
    first = _billing(api_on_each_store, token_for("alice"))
    second = _billing(api_on_each_store, token_for("alice"))
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() == _expected("auth0|alice")


def test_each_user_gets_their_own_billing(
    api_on_each_store: RunningTodosApi, token_for: Callable[[str], str]
) -> None:
    dave = _billing(api_on_each_store, token_for("dave")).json()
    erin = _billing(api_on_each_store, token_for("erin")).json()
    assert dave == _expected("auth0|dave")
    assert erin == _expected("auth0|erin")
    assert {i["id"] for i in dave["invoices"]}.isdisjoint(i["id"] for i in erin["invoices"])


def test_the_seed_is_a_pure_function_of_the_subject() -> None:
    assert seed_billing("auth0|alice") == seed_billing("auth0|alice")
    # Pinned figures: a change here changes what every existing demo user sees.
    alice = seed_billing("auth0|alice")
    assert (alice.plan, alice.monthly_amount_cents, alice.currency) == ("Business", 9900, "EUR")
    assert [(i.period, i.amount_cents, i.status) for i in alice.invoices] == [
        ("2026-03", 10610, "paid"),
        ("2026-04", 10720, "paid"),
        ("2026-05", 12360, "open"),
    ]


def test_seeded_invoices_cover_consecutive_months_at_or_above_the_plan_price() -> None:
    for n in range(50):
        account = seed_billing(f"auth0|user{n}")
        periods = [i.period for i in account.invoices]
        assert periods == sorted(periods) and len(set(periods)) == len(periods) == 3
        assert all(i.amount_cents >= account.monthly_amount_cents for i in account.invoices)
        assert all(i.currency == account.currency for i in account.invoices)
        assert [i.status for i in account.invoices] == ["paid", "paid", "open"]
