"""The embedded store: one SQLite file in WAL mode, driven through aiosqlite."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import aiosqlite

from todos_api.store.base import BillingAccount, Invoice, StoreUnavailable, TodoRecord
from todos_api.store.seed import seed_billing

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS todos (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    title TEXT NOT NULL,
    completed INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS todos_owner ON todos (owner, seq);
CREATE TABLE IF NOT EXISTS billing_accounts (
    owner TEXT PRIMARY KEY,
    plan TEXT NOT NULL,
    monthly_amount_cents INTEGER NOT NULL,
    currency TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS invoices (
    owner TEXT NOT NULL,
    id TEXT NOT NULL,
    period TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (owner, id)
);
"""


def _todo(row: sqlite3.Row) -> TodoRecord:
    return TodoRecord(
        id=row["id"],
        title=row["title"],
        completed=bool(row["completed"]),
        created_at=datetime.fromisoformat(row["created_at"]),
    )


class SqliteTodoStore:
    """``TodoStore`` on one aiosqlite connection.

    Writes are serialised with a lock: the connection is shared by every request, and
    without it one request's ``commit`` could commit another's half-done transaction.
    Reads use ``execute_fetchall`` so that no statement stays open across an ``await``: an
    open read would pin an old WAL snapshot, and a write begun on that connection while
    another replica has committed fails at once with "database is locked".
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._write = asyncio.Lock()

    @classmethod
    @asynccontextmanager
    async def open(cls, path: Path) -> AsyncIterator[SqliteTodoStore]:
        """Opens (creating if needed) the database file and its tables."""
        try:
            # IMMEDIATE: take the write lock when a write transaction begins, under busy_timeout.
            # With the default deferred BEGIN, two replicas racing to write can fail at once
            # with "database is locked" (a stale WAL snapshot is not retried by SQLite).
            conn = await aiosqlite.connect(path, isolation_level="IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreUnavailable("cannot open the SQLite file") from exc
        try:
            conn.row_factory = sqlite3.Row
            # WAL lets readers (and other replicas on this host) proceed during writes;
            # busy_timeout waits for a competing writer instead of failing at once.
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA busy_timeout=5000")
            await conn.executescript(SCHEMA)
            await conn.commit()
            yield cls(conn)
        finally:
            await conn.close()

    async def list_todos(self, owner: str) -> list[TodoRecord]:
        try:
            rows = await self._conn.execute_fetchall(
                "SELECT id, title, completed, created_at FROM todos WHERE owner = ? ORDER BY seq",
                (owner,),
            )
            return [_todo(row) for row in rows]
        except sqlite3.Error as exc:
            raise StoreUnavailable("SQLite read failed") from exc

    async def create_todo(self, owner: str, title: str) -> TodoRecord:
        record = TodoRecord(
            id=str(uuid.uuid4()), title=title, completed=False, created_at=datetime.now(UTC)
        )
        try:
            async with self._write:
                await self._conn.execute(
                    "INSERT INTO todos (id, owner, title, completed, created_at)"
                    " VALUES (?, ?, ?, 0, ?)",
                    (record.id, owner, record.title, record.created_at.isoformat()),
                )
                await self._conn.commit()
        except sqlite3.Error as exc:
            raise StoreUnavailable("SQLite write failed") from exc
        return record

    async def complete_todo(self, owner: str, todo_id: str) -> TodoRecord | None:
        try:
            async with self._write:
                async with self._conn.execute(
                    "UPDATE todos SET completed = 1 WHERE owner = ? AND id = ?"
                    " RETURNING id, title, completed, created_at",
                    (owner, todo_id),
                ) as cursor:
                    row = await cursor.fetchone()
                await self._conn.commit()
        except sqlite3.Error as exc:
            raise StoreUnavailable("SQLite write failed") from exc
        return _todo(row) if row is not None else None

    async def billing(self, owner: str) -> BillingAccount:
        try:
            account = await self._read_billing(owner)
            if account is None:
                await self._seed_billing(owner)
                account = await self._read_billing(owner)
        except sqlite3.Error as exc:
            log.warning("SQLite billing query failed: %s", exc, exc_info=True)
            raise StoreUnavailable("SQLite billing query failed") from exc
        if account is None:  # seeding commits before the re-read, so this cannot happen
            raise StoreUnavailable("billing account missing after seeding")
        return account

    async def ping(self) -> bool:
        try:
            return bool(await self._conn.execute_fetchall("SELECT 1"))
        except (sqlite3.Error, ValueError):
            return False

    async def _read_billing(self, owner: str) -> BillingAccount | None:
        accounts = list(
            await self._conn.execute_fetchall(
                "SELECT plan, monthly_amount_cents, currency FROM billing_accounts WHERE owner = ?",
                (owner,),
            )
        )
        if not accounts:
            return None
        account = accounts[0]
        rows = await self._conn.execute_fetchall(
            "SELECT id, period, issued_on, amount_cents, currency, status"
            " FROM invoices WHERE owner = ? ORDER BY period",
            (owner,),
        )
        invoices = tuple(
            Invoice(
                id=row["id"],
                period=row["period"],
                issued_on=date.fromisoformat(row["issued_on"]),
                amount_cents=row["amount_cents"],
                currency=row["currency"],
                status=row["status"],
            )
            for row in rows
        )
        return BillingAccount(
            plan=account["plan"],
            monthly_amount_cents=account["monthly_amount_cents"],
            currency=account["currency"],
            invoices=invoices,
        )

    async def _seed_billing(self, owner: str) -> None:
        seed = seed_billing(owner)
        async with self._write:
            # OR IGNORE: another replica may have seeded the same user meanwhile.
            await self._conn.execute(
                "INSERT OR IGNORE INTO billing_accounts VALUES (?, ?, ?, ?)",
                (owner, seed.plan, seed.monthly_amount_cents, seed.currency),
            )
            await self._conn.executemany(
                "INSERT OR IGNORE INTO invoices VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        owner,
                        inv.id,
                        inv.period,
                        inv.issued_on.isoformat(),
                        inv.amount_cents,
                        inv.currency,
                        inv.status,
                    )
                    for inv in seed.invoices
                ],
            )
            await self._conn.commit()


__all__ = ["SqliteTodoStore"]
