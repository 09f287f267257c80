"""How the offline model words tool output a person reads: money, billing and todo lists.

Plain text with one item per line (the front end keeps line breaks); ids go at the end
of a line, in full, so that "complete todo <id>" can be copied from the answer.
"""

from __future__ import annotations

import re
from decimal import Decimal, localcontext
from typing import Any, TypeGuard

_AMOUNT_KEY = re.compile(r"amount|total|due|price|balance|cost", re.IGNORECASE)
_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")
TITLE_KEYS = ("title", "text", "name", "description")
DONE_KEYS = ("completed", "done", "complete", "is_done")

# ISO 4217 currencies whose minor unit is not the hundredth. ``*_cents`` figures are in
# the currency's minor unit (the usual money-library convention): 500 JPY "cents" are
# 500 yen, 1500 KWD "cents" are 1.500 dinars.
# (Codes as one string: a line per code would make the tables longer than the module.)
_NO_MINOR_UNIT = frozenset(
    "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split()  # noqa: SIM905
)
_THOUSANDTHS = frozenset("BHD IQD JOD KWD LYD OMR TND".split())  # noqa: SIM905


def money(minor_units: int | float | Decimal, currency: str | None) -> str:
    """``minor_units`` of ``currency`` as ``"106.10 EUR"`` (no currency: the bare figure).

    Exact for any size of amount (no float arithmetic); negative amounts keep their sign.
    """
    code = currency.strip().upper() if isinstance(currency, str) else ""
    places = 0 if code in _NO_MINOR_UNIT else 3 if code in _THOUSANDTHS else 2
    if isinstance(minor_units, int):
        # Integer arithmetic: exact however many digits the amount has.
        whole, part = divmod(abs(minor_units), 10**places)
        sign = "-" if minor_units < 0 else ""
        figure = f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"
    else:
        exact = Decimal(str(minor_units))
        with localcontext(prec=len(exact.as_tuple().digits) + places + 2):
            figure = f"{exact.scaleb(-places).quantize(Decimal(1).scaleb(-places)):f}"
    return f"{figure} {code}" if code else figure


def is_amount(value: Any) -> TypeGuard[int | float]:
    """A JSON number (``true``/``false`` are not amounts, though Python counts them as ints)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def title_of(item: dict[str, Any]) -> str:
    return next((str(item[k]) for k in TITLE_KEYS if item.get(k)), "(untitled)")


def is_done(item: dict[str, Any]) -> bool:
    return any(item.get(k) is True for k in DONE_KEYS)


def id_suffix(item: dict[str, Any]) -> str:
    """`` (id …)`` to end a line with, or nothing when the item has no id."""
    return f" (id {item['id']})" if item.get("id") not in (None, "") else ""


def todo_items(data: Any) -> list[Any] | None:
    """The items of a todo listing (a bare list or ``{"todos": [...]}``), else ``None``."""
    if isinstance(data, dict):
        data = data.get("todos", data.get("items"))
    return data if isinstance(data, list) else None


def todo_list(data: Any) -> str:
    """``Your todos (1 open, 1 done):`` then one ``- [ ] title (id …)`` line per todo
    (``[x]`` when done)."""
    items = todo_items(data)
    if not items:
        return "You have no todos."
    lines = []
    done = 0
    for item in items:
        if isinstance(item, dict):
            finished = is_done(item)
            done += finished
            lines.append(f"- [{'x' if finished else ' '}] {title_of(item)}{id_suffix(item)}")
        else:
            lines.append(f"- {item}")
    counts = ", ".join(
        f"{n} {what}" for n, what in ((len(items) - done, "open"), (done, "done")) if n
    )
    return f"Your todos ({counts}):\n" + "\n".join(lines)


def billing(data: Any) -> str:
    """The plan and its monthly price, one line per invoice, what is still to pay, then
    any other figure the tool returned (nothing is dropped)."""
    if not isinstance(data, dict):
        return "Your billing: " + render(data) + "."
    currency = data.get("currency") if isinstance(data.get("currency"), str) else None
    rest = {k: v for k, v in data.items() if k not in ("plan", "monthly_amount_cents", "invoices")}
    if currency is not None:
        rest.pop("currency", None)
    lines = []
    if "plan" in data or "monthly_amount_cents" in data:
        plan = str(data.get("plan") or "(unnamed)")
        monthly = data.get("monthly_amount_cents")
        price = f", {money(monthly, currency)} a month" if is_amount(monthly) else ""
        lines.append(f"Your plan: {plan}{price}.")
    invoices = data.get("invoices")
    if isinstance(invoices, list):
        lines.extend(_invoices(invoices, currency))
    elif invoices is not None:
        rest["invoices"] = invoices
    if rest:
        lines.append(_sentence(render(_with_currency(rest, currency))))
    return "\n".join(lines) or "Your billing has no details."


def _with_currency(rest: dict[str, Any], currency: str | None) -> dict[str, Any]:
    """``rest`` with ``currency`` put after plain amounts (``"42.00"`` → ``"42.00 USD"``),
    or kept as its own field when nothing else carries it."""
    if currency is None:
        return rest
    shown = dict(rest)
    tagged = False
    for key, value in rest.items():
        if (
            not key.endswith("_cents")
            and _AMOUNT_KEY.search(key)
            and _DECIMAL.fullmatch(str(value))
        ):
            shown[key] = f"{value} {currency.upper()}"
            tagged = True
    # ``render`` puts the currency after ``*_cents`` figures, or shows it as a field.
    if not tagged or any(k.endswith("_cents") and is_amount(v) for k, v in rest.items()):
        shown["currency"] = currency
    return shown


def _invoices(invoices: list[Any], currency: str | None) -> list[str]:
    if not invoices:
        return ["You have no invoices."]
    lines = ["Invoices:"]
    due: dict[str, Decimal] = {}
    open_count = 0
    for invoice in invoices:
        if not isinstance(invoice, dict):
            lines.append(f"- {render(invoice)}")
            continue
        code = invoice.get("currency") if isinstance(invoice.get("currency"), str) else currency
        cents = invoice.get("amount_cents")
        amount = money(cents, code) if is_amount(cents) else "amount unknown"
        status = str(invoice.get("status") or "status unknown")
        label = invoice.get("period") or invoice.get("issued_on") or "undated"
        if status.lower() == "open":
            open_count += 1
            status = "OPEN, not paid yet"
            if is_amount(cents):
                due[code or ""] = due.get(code or "", Decimal(0)) + Decimal(str(cents))
        ident = f" ({invoice['id']})" if invoice.get("id") else ""
        lines.append(f"- {label}: {amount}, {status}{ident}")
    if open_count:
        total = " + ".join(money(v, c or None) for c, v in due.items()) or "an unknown amount"
        noun = "invoice" if open_count == 1 else "invoices"
        lines.append(f"Still to pay: {total} ({open_count} open {noun}).")
    else:
        lines.append("All invoices are paid.")
    return lines


def render(data: Any) -> str:
    """Any JSON as ``key: value`` text (``*_cents`` as money in the given currency)."""
    if isinstance(data, dict):
        currency = data["currency"] if isinstance(data.get("currency"), str) else None
        parts = []
        for key, value in data.items():
            if key.endswith("_cents") and is_amount(value):
                label = key.removesuffix("_cents").replace("_", " ")
                parts.append(f"{label}: {money(value, currency)}")
            elif key != "currency" or currency is None:
                parts.append(f"{key.replace('_', ' ')}: {render(value)}")
            elif not any(k.endswith("_cents") for k in data):
                parts.append(f"currency: {currency}")
        return ", ".join(parts)
    if isinstance(data, list):
        return "; ".join(render(v) for v in data) or "none"
    return str(data)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."
