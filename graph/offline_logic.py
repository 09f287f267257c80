"""The offline model's reasoning: deterministic rules over the same prompts a real model gets.

It recognises the demo's requests (create, complete and list todos; billing; who am I),
maps them to whichever of the user's tools fits by name and description, and writes
answers from the tools' JSON output.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from graph import prompts

_STOP = r"(?=\s*(?:[,;.!?]|\bthen\b|\band (?:then|show|list|tell|give|display|what|complete|check)\b|$))"
_CREATE = re.compile(
    r"\b(?:add|create|make|new)\s+(?:a\s+|an\s+)?(?:new\s+)?(?:todo|task|to-do)(?:\s+item)?"
    r"(?:\s*(?:to|called|named|titled|for|:)\s*|\s+)[\"“']?(?P<title>.+?)[\"”']?" + _STOP,
    re.IGNORECASE,
)
_COMPLETE = re.compile(
    r"\b(?:complete|finish|close|mark|check off|tick off)\s+(?:the\s+)?(?:todo|task)?\s*(?:number\s+|no\.?\s*|#)?(?P<id>[0-9a-f]{8}-[0-9a-f-]{27}|\d+)\b",
    re.IGNORECASE,
)
_ID = re.compile(r"#?\b([0-9a-f]{8}-[0-9a-f-]{27}|\d+)\b")
_LIST = re.compile(r"\b(?:todos|tasks|to-dos|todo list|task list)\b", re.IGNORECASE)
_BILLING = re.compile(r"\b(?:billing|invoices?|bills?)\b", re.IGNORECASE)
_WHOAMI = re.compile(r"\b(?:who am i|whoami|my (?:profile|account|identity))\b", re.IGNORECASE)

# intent -> (words that must appear in the tool's name or description, what to call it)
_CAPABILITIES: dict[str, tuple[tuple[str, ...], str]] = {
    "create": (("create", "todo"), "creating todos"),
    "complete": (("complete", "todo"), "completing todos"),
    "list": (("list", "todo"), "listing todos"),
    "billing": (("billing",), "billing"),
    "whoami": (("who",), "your profile"),
}
_WRITES = {"create", "complete"}


@dataclass(frozen=True)
class Intent:
    kind: str
    position: int
    value: str = ""


def find_intents(request: str) -> list[Intent]:
    """The demo actions a request asks for, in the order it mentions them."""
    found: list[Intent] = []
    for m in _CREATE.finditer(request):
        found.append(Intent("create", m.start(), m.group("title").strip()))
    for m in _COMPLETE.finditer(request):
        found.append(Intent("complete", m.start(), m.group("id")))
    taken = [(m.start(), m.end()) for m in _CREATE.finditer(request)]
    for m in _LIST.finditer(request):
        if not any(a <= m.start() < b for a, b in taken):
            found.append(Intent("list", m.start()))
            break
    for kind, pattern in (("billing", _BILLING), ("whoami", _WHOAMI)):
        if hit := pattern.search(request):
            found.append(Intent(kind, hit.start()))
    return sorted(found, key=lambda i: i.position)


def parse_tool_lines(system_prompt: str) -> dict[str, str]:
    """``name -> description`` from the planner prompt's tool list."""
    tools: dict[str, str] = {}
    _, _, rest = system_prompt.partition(prompts.SECTION_TOOLS)
    for line in rest.splitlines():
        if line.startswith("- ") and ":" in line:
            name, _, description = line[2:].partition(":")
            if name.strip() != "(none)":
                tools[name.strip()] = description.strip()
    return tools


def pick_tool(kind: str, tools: dict[str, str]) -> str | None:
    """The tool whose name has the capability's words, else whose description does (as words)."""
    words = _CAPABILITIES[kind][0]
    for name in tools:
        if all(w in name.lower() for w in words):
            return name
    for name, description in tools.items():
        if all(re.search(rf"\b{w}s?\b", description, re.IGNORECASE) for w in words):
            return name
    return None


def make_plan(request: str, tools: dict[str, str]) -> dict[str, Any]:
    """Arguments of a ``Plan`` tool call for ``request`` over ``tools``."""
    steps: list[dict[str, Any]] = []
    notes: list[str] = []
    writes: list[str] = []
    for intent in find_intents(request):
        tool = pick_tool(intent.kind, tools)
        if tool is None:
            notes.append(f"{_CAPABILITIES[intent.kind][1].capitalize()} is not available to you.")
            continue
        step_id = f"s{len(steps) + 1}"
        depends = list(writes) if intent.kind == "list" else []
        steps.append({"id": step_id, "goal": _goal(intent), "tool": tool, "depends_on": depends})
        if intent.kind in _WRITES:
            writes.append(step_id)
    return {"steps": steps, "notes": " ".join(notes)}


def _goal(intent: Intent) -> str:
    return {
        "create": f'Create a todo titled "{intent.value}".',
        "complete": f"Mark todo {intent.value} as complete.",
        "list": "List the user's todos.",
        "billing": "Show the user's billing.",
        "whoami": "Find out who the user is.",
    }[intent.kind]


def tool_arguments(goal: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """Arguments for a tool from a step goal, guided by the tool's JSON schema."""
    args: dict[str, Any] = {}
    properties: dict[str, Any] = parameters.get("properties", {})
    for name in parameters.get("required", list(properties)):
        kind = properties.get(name, {}).get("type")
        if kind in ("integer", "number"):
            if m := re.search(r"\d+", goal):
                args[name] = int(m.group())
        elif name == "id" or name.endswith("_id"):
            if m := _ID.search(goal):
                args[name] = m.group(1)
        elif m := re.search(r"[\"“](.+?)[\"”]", goal):
            args[name] = m.group(1)
        else:
            args[name] = goal
    return args


def parse_review(text: str) -> tuple[str, str, list[dict[str, Any]], list[str]]:
    """(request, notes, results, tool names) from ``prompts.review_input`` text."""
    request = notes = ""
    results: list[dict[str, Any]] = []
    names: list[str] = []
    for line in text.splitlines():
        if line.startswith(prompts.SECTION_REQUEST):
            request = line.removeprefix(prompts.SECTION_REQUEST).strip()
        elif line.startswith(prompts.SECTION_NOTES):
            notes = line.removeprefix(prompts.SECTION_NOTES).strip()
            notes = "" if notes == "(none)" else notes
        elif line.startswith(prompts.SECTION_AVAILABLE):
            listed = line.removeprefix(prompts.SECTION_AVAILABLE).strip()
            names = [] if listed == "(none)" else [n.strip() for n in listed.split(",")]
        elif line.startswith("{"):
            try:
                results.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return request, notes, results, names
