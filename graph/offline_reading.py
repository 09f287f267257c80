"""How the offline model reads Baton's prompts: the tool list, step results, review input.

The prompts' labelled sections (``prompts.SECTION_*``) are the markers; step results are
``prompts.format_results`` JSON lines.
"""

from __future__ import annotations

import json
from typing import Any

from graph import prompts


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


def parse_review(text: str) -> tuple[str, str, list[dict[str, Any]], list[str]]:
    """(request, notes, results, tool names) from ``prompts.review_input`` text."""
    request = notes = ""
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
    return request, notes, json_lines(text), names


def earlier_results(worker_system: str) -> list[dict[str, Any]]:
    """The results of the steps a worker's step depends on, from its system prompt."""
    _, _, rest = worker_system.partition(prompts.SECTION_EARLIER)
    return json_lines(rest)


def json_lines(text: str) -> list[dict[str, Any]]:
    """Every line of ``text`` that is a JSON object (``prompts.format_results`` lines)."""
    found: list[dict[str, Any]] = []
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                found.append(value)
    return found
