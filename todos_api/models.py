"""Request and response bodies (the OpenAPI document is generated from these)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

TITLE_MAX = 200


def _printable(value: str) -> str:
    # Control characters (NUL above all, which PostgreSQL refuses in text) are never
    # a legitimate part of a title; refusing them here keeps both stores identical.
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in value):
        raise ValueError("title must not contain control characters")
    return value


Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX),
    AfterValidator(_printable),
]


class TodoCreate(BaseModel):
    """Body of ``POST /api/todos``."""

    model_config = ConfigDict(extra="forbid")

    title: Title = Field(description="1 to 200 characters after stripping surrounding spaces.")


class Todo(BaseModel):
    id: str = Field(description="Opaque identifier, unique across users.")
    title: str
    completed: bool
    created_at: datetime


class TodoList(BaseModel):
    todos: list[Todo]


class Me(BaseModel):
    """Who the token speaks for; profile fields are null when the token lacks them."""

    sub: str
    scopes: list[str] = Field(description="Granted scopes and permissions, sorted.")
    client_id: str | None = Field(None, description="The token's `azp` (authorized party).")
    name: str | None = None
    nickname: str | None = None
    email: str | None = None
    email_verified: bool | None = None
    picture: str | None = None


class InvoiceOut(BaseModel):
    id: str
    period: str = Field(description="The month billed, YYYY-MM.")
    issued_on: date
    amount_cents: int
    currency: str
    status: Literal["paid", "open"]


class Billing(BaseModel):
    plan: str
    monthly_amount_cents: int
    currency: str
    invoices: list[InvoiceOut]


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    store: Literal["ok", "unreachable"]


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorBody(BaseModel):
    """Every error: an RFC 6749/6750 style code and a human description."""

    error: str
    error_description: str
    errors: list[FieldError] | None = Field(None, description="Per-field problems, on 422 only.")


__all__ = [
    "TITLE_MAX",
    "Billing",
    "ErrorBody",
    "FieldError",
    "Health",
    "InvoiceOut",
    "Me",
    "Todo",
    "TodoCreate",
    "TodoList",
]
