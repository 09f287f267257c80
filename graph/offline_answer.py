"""How the offline model words answers and critiques from step results (JSON tool output)."""

from __future__ import annotations

import json
from typing import Any

_TITLE_KEYS = ("title", "text", "name", "description")
_DONE_KEYS = ("completed", "done", "complete", "is_done")


def write_answer(
    request: str, notes: str, results: list[dict[str, Any]], tool_names: list[str]
) -> str:
    parts = [_describe(r) for r in results]
    if notes:
        parts.append(notes)
    if not parts:
        available = ", ".join(tool_names) or "none"
        return (
            "Hello! I'm Baton's offline assistant (deterministic, no language model). "
            f"I can work with these tools for you: {available}. "
            'Try "add a todo to buy milk, then show my todos and my billing".'
        )
    return "\n\n".join(p for p in parts if p)


def critique(results: list[dict[str, Any]]) -> tuple[bool, str]:
    failed = [r for r in results if not r.get("ok", True)]
    if not failed:
        return True, ""
    reasons = "; ".join(f"step {r.get('step')} failed: {r.get('output', '')}" for r in failed)
    return False, f"Retry or work around the failed steps ({reasons})."


def _describe(result: dict[str, Any]) -> str:
    tools = result.get("tools") or []
    output = str(result.get("output", ""))
    if not result.get("ok", True):
        return f"I could not {_lower_first(result.get('goal', 'finish a step'))} {output}".strip()
    data = _json(output)
    tool = tools[-1] if tools else ""
    if "create" in tool and isinstance(data, dict):
        return f'I added the todo "{_title(data)}"{_id(data)}.'
    if "complete" in tool and isinstance(data, dict):
        return f'I marked the todo "{_title(data)}"{_id(data)} as done.'
    if "todo" in tool and data is not None:
        return _todo_list(data)
    if "who" in tool and isinstance(data, dict):
        name = data.get("name") or data.get("nickname") or data.get("sub", "unknown")
        scopes = data.get("scopes") or data.get("permissions") or []
        granted = (
            f" with {', '.join(map(str, scopes))}" if isinstance(scopes, list) and scopes else ""
        )
        return f"You are signed in as {name} ({data.get('sub', '')}){granted}."
    if "billing" in tool and data is not None:
        return "Your billing: " + _render(data) + "."
    if data is not None:
        return _render(data)
    return output


def _todo_list(data: Any) -> str:
    items = data.get("todos", data.get("items", [])) if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        return "You have no todos."
    lines = []
    for item in items:
        if isinstance(item, dict):
            done = any(bool(item.get(k)) for k in _DONE_KEYS)
            lines.append(f"- {_title(item)}{_id(item)}{' (done)' if done else ''}")
        else:
            lines.append(f"- {item}")
    return "Your todos:\n" + "\n".join(lines)


def _render(data: Any) -> str:
    """Every figure in ``data``, flattened to ``key: value`` text (``*_cents`` as money)."""
    if isinstance(data, dict):
        currency = f" {data['currency']}" if isinstance(data.get("currency"), str) else ""
        parts = []
        for key, value in data.items():
            if key.endswith("_cents") and isinstance(value, int | float):
                parts.append(
                    f"{key.removesuffix('_cents').replace('_', ' ')}: {value / 100:.2f}{currency}"
                )
            elif key != "currency" or not currency:
                parts.append(f"{key.replace('_', ' ')}: {_render(value)}")
        return ", ".join(parts)
    if isinstance(data, list):
        return "; ".join(_render(v) for v in data) or "none"
    return str(data)


def _title(item: dict[str, Any]) -> str:
    return next((str(item[k]) for k in _TITLE_KEYS if item.get(k)), "(untitled)")


def _id(item: dict[str, Any]) -> str:
    return f" (#{item['id']})" if "id" in item else ""


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, TypeError):
        return None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:].rstrip(".") + ":" if text else text
