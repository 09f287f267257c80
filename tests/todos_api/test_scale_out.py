"""Concurrency and replicas: stateless APIs over one store agree, and nothing is lost.

Each case runs on SQLite (two processes' worth of APIs sharing one WAL file) and on
PostgreSQL (the scale-out tier).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.support.todos import running_todos_api


async def test_concurrent_creates_from_one_user_are_all_kept(
    tmp_path: Path,
    issuer_url: str,
    store_overrides: dict[str, str],
    token_for: Callable[[str], str],
) -> None:
    token = await asyncio.to_thread(token_for, "alice")
    with running_todos_api(tmp_path, issuer_url, **store_overrides) as api:
        async with httpx.AsyncClient(
            base_url=api.url, headers={"Authorization": f"Bearer {token}"}, timeout=20.0
        ) as client:
            titles = {f"parallel {n}" for n in range(25)}
            answers = await asyncio.gather(
                *(client.post("/api/todos", json={"title": t}) for t in titles)
            )
            assert [a.status_code for a in answers] == [201] * len(titles)
            listed = (await client.get("/api/todos")).json()["todos"]
    assert {t["title"] for t in listed} == titles
    assert len({t["id"] for t in listed}) == len(titles)


async def test_two_replicas_share_todos_and_seed_billing_once(
    tmp_path: Path,
    issuer_url: str,
    store_overrides: dict[str, str],
    token_for: Callable[[str], str],
) -> None:
    token = await asyncio.to_thread(token_for, "alice")
    headers = {"Authorization": f"Bearer {token}"}
    with (
        running_todos_api(tmp_path, issuer_url, **store_overrides) as one,
        running_todos_api(tmp_path, issuer_url, **store_overrides) as two,
    ):
        async with (
            httpx.AsyncClient(base_url=one.url, headers=headers, timeout=20.0) as a,
            httpx.AsyncClient(base_url=two.url, headers=headers, timeout=20.0) as b,
        ):
            # Both replicas see a first-time user at once and race to seed the billing.
            bills = await asyncio.gather(*(c.get("/api/billing") for c in (a, b) * 5))
            assert {r.status_code for r in bills} == {200}
            assert all(r.json() == bills[0].json() for r in bills)
            assert len(bills[0].json()["invoices"]) == 3

            created = (await a.post("/api/todos", json={"title": "made on one"})).json()
            done = await b.post(f"/api/todos/{created['id']}/complete")
            assert done.status_code == 200
            assert (await a.get("/api/todos")).json()["todos"] == [done.json()]
