"""The scale-out store: PostgreSQL through a psycopg 3 async connection pool.

Stateless replicas share it; tables are created on first use under an advisory
lock, so several replicas starting together do not race on ``CREATE TABLE``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from todos_api.store.base import BillingAccount, Invoice, StoreUnavailable, TodoRecord
from todos_api.store.seed import seed_billing

# Arbitrary constant naming Baton's schema-migration lock (pg_advisory_xact_lock).
SCHEMA_LOCK_KEY = 0x7B17_0D05

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS todos (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        owner TEXT NOT NULL,
        title TEXT NOT NULL,
        completed BOOLEAN NOT NULL DEFAULT FALSE,
        created_at TIMESTAMPTZ NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS todos_owner ON todos (owner, seq)",
    """CREATE TABLE IF NOT EXISTS billing_accounts (
        owner TEXT PRIMARY KEY,
        plan TEXT NOT NULL,
        monthly_amount_cents INTEGER NOT NULL,
        currency TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS invoices (
        owner TEXT NOT NULL,
        id TEXT NOT NULL,
        period TEXT NOT NULL,
        issued_on DATE NOT NULL,
        amount_cents INTEGER NOT NULL,
        currency TEXT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (owner, id)
    )""",
)


def _todo(row: dict[str, Any]) -> TodoRecord:
    return TodoRecord(
        id=row["id"],
        title=row["title"],
        completed=row["completed"],
        created_at=row["created_at"],
    )


class PostgresTodoStore:
    """``TodoStore`` on an ``AsyncConnectionPool``; driver errors become ``StoreUnavailable``."""

    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool
        self._schema_ready = False
        self._schema_lock = asyncio.Lock()

    @classmethod
    @asynccontextmanager
    async def open(
        cls, url: str, *, max_size: int = 10, wait_seconds: float = 5.0
    ) -> AsyncIterator[PostgresTodoStore]:
        """A store over a pool to ``url``; the app starts even if the database is down.

        ``wait_seconds`` bounds how long a request waits for a connection before the API
        answers 503.
        """
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            timeout=wait_seconds,
            kwargs={
                "row_factory": dict_row,
                # Autocommit: each statement stands alone unless wrapped in transaction().
                "autocommit": True,
                "connect_timeout": max(1, int(wait_seconds)),
            },
            open=False,
            name="todos-api",
        )
        await pool.open(wait=False)
        try:
            yield cls(pool)
        finally:
            await pool.close()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        try:
            async with self._pool.connection() as conn:
                if not self._schema_ready:
                    await self._ensure_schema(conn)
                yield conn
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            # Connection-level failures are transient (503); any other psycopg error
            # is a bug in this module and must surface as one.
            raise StoreUnavailable(f"PostgreSQL: {type(exc).__name__}") from exc

    async def _ensure_schema(self, conn: psycopg.AsyncConnection[Any]) -> None:
        async with self._schema_lock:
            if self._schema_ready:
                return
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
                for statement in SCHEMA:
                    await conn.execute(statement)
            self._schema_ready = True

    async def list_todos(self, owner: str) -> list[TodoRecord]:
        async with self._connection() as conn:
            cursor = await conn.execute(
                "SELECT id, title, completed, created_at FROM todos WHERE owner = %s ORDER BY seq",
                (owner,),
            )
            return [_todo(row) for row in await cursor.fetchall()]

    async def create_todo(self, owner: str, title: str) -> TodoRecord:
        record = TodoRecord(
            id=str(uuid.uuid4()), title=title, completed=False, created_at=datetime.now(UTC)
        )
        async with self._connection() as conn:
            await conn.execute(
                "INSERT INTO todos (id, owner, title, completed, created_at)"
                " VALUES (%s, %s, %s, FALSE, %s)",
                (record.id, owner, record.title, record.created_at),
            )
        return record

    async def complete_todo(self, owner: str, todo_id: str) -> TodoRecord | None:
        async with self._connection() as conn:
            cursor = await conn.execute(
                "UPDATE todos SET completed = TRUE WHERE owner = %s AND id = %s"
                " RETURNING id, title, completed, created_at",
                (owner, todo_id),
            )
            row = await cursor.fetchone()
        return _todo(row) if row is not None else None

    async def billing(self, owner: str) -> BillingAccount:
        async with self._connection() as conn:
            account = await self._read_billing(conn, owner)
            if account is None:
                await self._seed_billing(conn, owner)
                account = await self._read_billing(conn, owner)
        if account is None:  # seeding commits before the re-read, so this cannot happen
            raise StoreUnavailable("billing account missing after seeding")
        return account

    async def ping(self) -> bool:
        try:
            async with self._connection() as conn:
                await conn.execute("SELECT 1")
        except StoreUnavailable:
            return False
        return True

    @staticmethod
    async def _read_billing(
        conn: psycopg.AsyncConnection[Any], owner: str
    ) -> BillingAccount | None:
        cursor = await conn.execute(
            "SELECT plan, monthly_amount_cents, currency FROM billing_accounts WHERE owner = %s",
            (owner,),
        )
        account = await cursor.fetchone()
        if account is None:
            return None
        cursor = await conn.execute(
            "SELECT id, period, issued_on, amount_cents, currency, status"
            " FROM invoices WHERE owner = %s ORDER BY period",
            (owner,),
        )
        invoices = tuple(Invoice(**row) for row in await cursor.fetchall())
        return BillingAccount(
            plan=account["plan"],
            monthly_amount_cents=account["monthly_amount_cents"],
            currency=account["currency"],
            invoices=invoices,
        )

    @staticmethod
    async def _seed_billing(conn: psycopg.AsyncConnection[Any], owner: str) -> None:
        seed = seed_billing(owner)
        # One transaction, ON CONFLICT DO NOTHING: replicas may seed the same user at once.
        async with conn.transaction():
            await conn.execute(
                "INSERT INTO billing_accounts VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (owner, seed.plan, seed.monthly_amount_cents, seed.currency),
            )
            async with conn.cursor() as cursor:
                await cursor.executemany(
                    "INSERT INTO invoices VALUES (%s, %s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT DO NOTHING",
                    [
                        (
                            owner,
                            inv.id,
                            inv.period,
                            inv.issued_on,
                            inv.amount_cents,
                            inv.currency,
                            inv.status,
                        )
                        for inv in seed.invoices
                    ],
                )


__all__ = ["PostgresTodoStore"]
