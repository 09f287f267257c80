"""How the offline model words answers and critiques from step results (JSON tool output)."""

from __future__ import annotations

import json
from typing import Any

from graph import offline_format
from graph.offline_logic import is_lookup_goal


def write_answer(
    request: str, notes: str, results: list[dict[str, Any]], tool_names: list[str]
) -> str:
    """One paragraph per step result (in plan order), then the planner's notes.

    A successful listing made only to find a todo by its title is left out: the step
    that used it says what came of it.
    """
    parts = [
        _describe(r) for r in results if not (r.get("ok", True) and is_lookup_goal(r.get("goal")))
    ]
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
        title = offline_format.title_of(data)
        return f'I added "{title}" to your todos{offline_format.id_suffix(data)}.'
    if "complete" in tool and isinstance(data, dict):
        title = offline_format.title_of(data)
        return f'I marked "{title}" as done{offline_format.id_suffix(data)}.'
    if "todo" in tool and data is not None:
        return offline_format.todo_list(data)
    if "who" in tool and isinstance(data, dict):
        name = data.get("name") or data.get("nickname") or data.get("sub", "unknown")
        scopes = data.get("scopes") or data.get("permissions") or []
        granted = (
            f" with {', '.join(map(str, scopes))}" if isinstance(scopes, list) and scopes else ""
        )
        return f"You are signed in as {name} ({data.get('sub', '')}){granted}."
    if "billing" in tool and data is not None:
        return offline_format.billing(data)
    if data is not None:
        return offline_format.render(data)
    return output


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, TypeError):
        return None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:].rstrip(".") + ":" if text else text
