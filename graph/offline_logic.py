"""The offline model's reasoning: deterministic rules over the same prompts a real model gets.

It recognises the demo's requests (create todos, complete them by id or by title, list
them; billing; who am I) and maps them to whichever of the user's tools fits by name and
description (``offline_reading`` reads the prompts). Completing a todo named by its title
is two steps, as a real model would plan it: list the todos, then complete the one that
matches (``offline_match``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_STOP = r"(?=\s*(?:[,;.!?]|\bthen\b|\band (?:then|show|list|tell|give|display|what|complete|check|mark)\b|$))"
_CREATE = re.compile(
    r"\b(?:add|create|make|new)\s+(?:a\s+|an\s+)?(?:new\s+)?(?:todo|task|to-do)(?:\s+item)?"
    r"(?:\s*(?:to|called|named|titled|for|:)\s*|\s+)[\"“']?(?P<title>.+?)[\"”']?" + _STOP,
    re.IGNORECASE,
)
_COMPLETE = re.compile(
    r"\b(?:complete|finish|close|mark|check off|tick off)\s+(?:the\s+)?(?:todo|task)?\s*(?:number\s+|no\.?\s*|#)?(?P<id>[0-9a-f]{8}-[0-9a-f-]{27}|\d+)\b",
    re.IGNORECASE,
)
# "complete the buy milk todo", "mark buy milk as done", "tick off 'buy milk'". "mark" only
# counts with "as done" (or complete, finished), so "mark my words" asks for nothing.
_COMPLETE_TITLE = re.compile(
    r"\b(?:(?P<mark>mark)|complete|finish|close|check off|tick off|cross off)\s+"
    r"(?:the\s+|my\s+)?(?:(?:todo|task|to-do)(?:\s+(?:called|named|titled))?\s*:?\s+)?"
    r"[\"“']?(?P<title>.+?)[\"”']?(?:\s+(?:todo|task|to-do))?"
    r"(?P<done>\s+(?:as\s+)?(?:done|complete|completed|finished))?" + _STOP,
    re.IGNORECASE,
)
_PRONOUNS = {"it", "that", "this", "that one", "this one"}
_NOT_TITLES = {"list", "todo list", "task list", "to-do list"}
_TITLED = re.compile(r'titled ("(?:[^"\\]|\\.)*")')
LOOKUP_GOAL = "List the user's todos to find the one titled"
_ID = re.compile(r"#?\b([0-9a-f]{8}-[0-9a-f-]{27}|\d+)\b")
_LIST = re.compile(r"\b(?:todos|tasks|to-dos|todo list|task list)\b", re.IGNORECASE)
_BILLING = re.compile(r"\b(?:billing|invoices?|bills?)\b", re.IGNORECASE)
_WHOAMI = re.compile(r"\b(?:who am i|whoami|my (?:profile|account|identity))\b", re.IGNORECASE)

# intent -> (words that must appear in the tool's name or description, what to call it)
_CAPABILITIES: dict[str, tuple[tuple[str, ...], str]] = {
    "create": (("create", "todo"), "creating todos"),
    "complete": (("complete", "todo"), "completing todos"),
    "complete_title": (("complete", "todo"), "completing todos"),
    "list": (("list", "todo"), "listing todos"),
    "billing": (("billing",), "billing"),
    "whoami": (("who",), "your profile"),
}
_WRITES = {"create", "complete", "complete_title"}


@dataclass(frozen=True)
class Intent:
    kind: str
    position: int
    value: str = ""


def find_intents(request: str) -> list[Intent]:
    """The demo actions a request asks for, in the order it mentions them.

    A todo to complete is named by id (``complete``) or by title (``complete_title``,
    with "it" standing for the todo the request creates before it).
    """
    found: list[Intent] = []
    for m in _CREATE.finditer(request):
        found.append(Intent("create", m.start(), m.group("title").strip()))
    # Words inside a new todo's title ("add a todo to finish the report") ask for nothing.
    taken = [(m.start(), m.end()) for m in _CREATE.finditer(request)]
    by_id = [m for m in _COMPLETE.finditer(request) if not _inside(m.start(), taken)]
    for m in by_id:
        found.append(Intent("complete", m.start(), m.group("id")))
    for m in _COMPLETE_TITLE.finditer(request):
        title = m.group("title").strip()
        if (
            _inside(m.start(), taken)
            or any(i.start() == m.start() for i in by_id)
            or (m.group("mark") and not m.group("done"))
            or _ID.fullmatch(title)
            or title.lower() in _NOT_TITLES
        ):
            continue
        if title.lower() in _PRONOUNS:
            created = [i for i in found if i.kind == "create" and i.position < m.start()]
            title = created[-1].value if created else ""
        found.append(Intent("complete_title", m.start(), title))
        taken.append((m.start(), m.end()))
    for m in _LIST.finditer(request):
        if not _inside(m.start(), taken):
            found.append(Intent("list", m.start()))
            break
    for kind, pattern in (("billing", _BILLING), ("whoami", _WHOAMI)):
        if hit := pattern.search(request):
            found.append(Intent(kind, hit.start()))
    return sorted(found, key=lambda i: i.position)


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= position < b for a, b in spans)


def pick_tool(kind: str, tools: dict[str, str]) -> str | None:
    """The tool whose name has the capability's words, else whose description does (as words).

    A tool whose name already says it does something else is never picked by description:
    complete-todo's description mentions "list-todos", yet it lists nothing.
    """
    words = _CAPABILITIES[kind][0]
    for name in tools:
        if _named_for(name, words):
            return name
    others = {ws for ws, _ in _CAPABILITIES.values() if ws != words}
    for name, description in tools.items():
        if any(_named_for(name, ws) for ws in others):
            continue
        if all(re.search(rf"\b{w}s?\b", description, re.IGNORECASE) for w in words):
            return name
    return None


def _named_for(name: str, words: tuple[str, ...]) -> bool:
    return all(w in name.lower() for w in words)


def make_plan(request: str, tools: dict[str, str]) -> dict[str, Any]:
    """Arguments of a ``Plan`` tool call for ``request`` over ``tools``.

    Listing todos waits for the writes before it; completing a todo by title is a
    lookup listing (after earlier writes) and a complete step that depends on it.
    """
    steps: list[dict[str, Any]] = []
    notes: list[str] = []
    writes: list[str] = []

    def add(goal: str, tool: str, depends: list[str]) -> str:
        step_id = f"s{len(steps) + 1}"
        steps.append({"id": step_id, "goal": goal, "tool": tool, "depends_on": depends})
        return step_id

    for intent in find_intents(request):
        tool = pick_tool(intent.kind, tools)
        if tool is None:
            notes.append(f"{_CAPABILITIES[intent.kind][1].capitalize()} is not available to you.")
            continue
        if intent.kind == "complete_title":
            lister = pick_tool("list", tools)
            if not intent.value:
                notes.append("Say which todo to complete, by its title or its id.")
                continue
            if lister is None:
                notes.append(
                    "Finding a todo by its title needs listing todos, which is not available"
                    ' to you; name it by id instead ("complete todo <id>").'
                )
                continue
            lookup = add(f"{LOOKUP_GOAL} {_quoted(intent.value)}.", lister, list(writes))
            writes.append(add(_goal(intent), tool, [lookup]))
            continue
        step_id = add(_goal(intent), tool, list(writes) if intent.kind == "list" else [])
        if intent.kind in _WRITES:
            writes.append(step_id)
    return {"steps": steps, "notes": " ".join(dict.fromkeys(notes))}


def _goal(intent: Intent) -> str:
    return {
        "create": f'Create a todo titled "{intent.value}".',
        "complete": f"Mark todo {intent.value} as complete.",
        "complete_title": (
            f"Mark the todo titled {_quoted(intent.value)} as complete, using its id"
            " from the listed todos."
        ),
        "list": "List the user's todos.",
        "billing": "Show the user's billing.",
        "whoami": "Find out who the user is.",
    }[intent.kind]


def _quoted(title: str) -> str:
    # JSON quoting, so a title with quotes in it is read back exactly (``titled_in``).
    return json.dumps(title, ensure_ascii=False)


def titled_in(goal: str) -> str | None:
    """The title a step goal names a todo by (``titled "…"``), else ``None``."""
    if m := _TITLED.search(goal):
        value = json.loads(m.group(1))
        return value if isinstance(value, str) else None
    return None


def is_lookup_goal(goal: object) -> bool:
    """Whether a step only lists todos to find one by title (its result is not news)."""
    return isinstance(goal, str) and goal.startswith(LOOKUP_GOAL)


def tool_arguments(goal: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """Arguments for a tool from a step goal, guided by the tool's JSON schema."""
    args: dict[str, Any] = {}
    properties: dict[str, Any] = parameters.get("properties", {})
    for name in parameters.get("required", list(properties)):
        kind = properties.get(name, {}).get("type")
        if kind in ("integer", "number"):
            if m := re.search(r"\d+", goal):
                args[name] = int(m.group())
        elif _is_id(name):
            if m := _ID.search(goal):
                args[name] = m.group(1)
        elif m := re.search(r"[\"“](.+?)[\"”]", goal):
            args[name] = m.group(1)
        else:
            args[name] = goal
    return args


def id_parameter(parameters: dict[str, Any]) -> str | None:
    """The tool's required ``id``/``*_id`` parameter, if it has one."""
    properties: dict[str, Any] = parameters.get("properties", {})
    return next((n for n in parameters.get("required", list(properties)) if _is_id(n)), None)


def _is_id(name: str) -> bool:
    return name == "id" or name.endswith("_id")
