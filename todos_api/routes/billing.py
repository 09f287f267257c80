"""``GET /api/billing``: the caller's plan and invoices (read:billing)."""

from __future__ import annotations

from fastapi import APIRouter

from todos_api.deps import ReadBilling, Store
from todos_api.models import Billing, InvoiceOut
from todos_api.routes.responses import SCOPED

router = APIRouter(tags=["billing"])


@router.get("/billing", response_model=Billing, responses=SCOPED)
async def billing(token: ReadBilling, store: Store) -> Billing:
    account = await store.billing(token.subject)
    return Billing(
        plan=account.plan,
        monthly_amount_cents=account.monthly_amount_cents,
        currency=account.currency,
        invoices=[
            InvoiceOut(
                id=inv.id,
                period=inv.period,
                issued_on=inv.issued_on,
                amount_cents=inv.amount_cents,
                currency=inv.currency,
                status="open" if inv.status == "open" else "paid",
            )
            for inv in account.invoices
        ],
    )
