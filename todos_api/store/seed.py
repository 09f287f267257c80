"""Deterministic demo billing data derived from a user's ``sub``.

Both stores insert exactly these figures on a user's first billing request, so the
demo shows the same plan and invoices on SQLite and PostgreSQL and across restarts.
"""

from __future__ import annotations

import hashlib
from datetime import date

from todos_api.store.base import BillingAccount, Invoice

PLANS = (("Starter", 900), ("Team", 2900), ("Business", 9900))
CURRENCIES = ("USD", "EUR", "GBP")
INVOICE_COUNT = 3
# Invoices cover fixed months, not months relative to today, so the figures never drift.
FIRST_PERIOD = (2026, 1)


def _digest(owner: str) -> bytes:
    return hashlib.sha256(owner.encode("utf-8")).digest()


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def seed_billing(owner: str) -> BillingAccount:
    """The billing account a new user starts with."""
    digest = _digest(owner)
    plan, base_cents = PLANS[digest[0] % len(PLANS)]
    currency = CURRENCIES[digest[1] % len(CURRENCIES)]
    start = digest[2] % 6  # the first billed month varies per user between Jan and Jun
    invoices = []
    for n in range(INVOICE_COUNT):
        year, month = _add_months(*FIRST_PERIOD, start + n)
        # Usage on top of the plan price, 0.00 to 25.50, varying per invoice.
        usage_cents = digest[3 + n] * 10
        invoices.append(
            Invoice(
                id=f"inv_{digest[8:14].hex()}_{n + 1:02d}",
                period=f"{year:04d}-{month:02d}",
                issued_on=date(*_add_months(year, month, 1), 1),
                amount_cents=base_cents + usage_cents,
                currency=currency,
                # The latest invoice is still open so the demo has something to pay.
                status="open" if n == INVOICE_COUNT - 1 else "paid",
            )
        )
    return BillingAccount(
        plan=plan,
        monthly_amount_cents=base_cents,
        currency=currency,
        invoices=tuple(invoices),
    )


__all__ = ["seed_billing"]
