"""The store contract: records, the Protocol and the one error stores raise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


class StoreUnavailable(Exception):
    """The database could not be reached or failed; the request may be retried.

    Implementations wrap driver errors in this so the API answers 503, never 500.
    """


@dataclass(frozen=True)
class TodoRecord:
    id: str
    title: str
    completed: bool
    created_at: datetime


@dataclass(frozen=True)
class Invoice:
    id: str
    period: str  # "YYYY-MM", the month billed
    issued_on: date
    amount_cents: int
    currency: str
    status: str  # "paid" or "open"


@dataclass(frozen=True)
class BillingAccount:
    plan: str
    monthly_amount_cents: int
    currency: str
    invoices: tuple[Invoice, ...]


class TodoStore(Protocol):
    """Each user's todos and billing; ``owner`` is the token's ``sub``.

    Methods raise ``StoreUnavailable`` when the backend fails.
    """

    async def list_todos(self, owner: str) -> list[TodoRecord]:
        """The owner's todos, oldest first."""
        ...

    async def create_todo(self, owner: str, title: str) -> TodoRecord:
        """Adds an open todo; ``title`` is already validated."""
        ...

    async def complete_todo(self, owner: str, todo_id: str) -> TodoRecord | None:
        """Marks the owner's todo done (idempotent); None if the owner has no such todo."""
        ...

    async def billing(self, owner: str) -> BillingAccount:
        """The owner's billing account, seeded deterministically on first access."""
        ...

    async def ping(self) -> bool:
        """True when the backend answers a trivial query."""
        ...
