"""Render the README's configuration table from the settings classes (one per deployable).

`python -m scripts.settings_table` prints it; `--write` replaces the table in README.md.
tests/test_readme.py fails when the README and the classes disagree.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings

from identity.config import DEV_SECRET_PREFIX

SETTINGS_CLASSES = {
    "identity provider": "identity.devidp.settings:DevIdPSettings",
    "Todos API": "todos_api.settings:TodosApiSettings",
    "MCP server": "mcp_server.settings:McpServerSettings",
    "graph": "graph.settings:GraphSettings",
    "front end": "api.settings:FrontendSettings",
}
START, END = "<!-- settings-table:start -->", "<!-- settings-table:end -->"
README = Path(__file__).resolve().parents[1] / "README.md"


def load(path: str) -> type[BaseSettings]:
    module, _, name = path.partition(":")
    cls = getattr(importlib.import_module(module), name)
    assert issubclass(cls, BaseSettings)
    return cls


def _default(field: Any, secret: bool) -> str:
    if field.is_required():
        return "(required)"
    value = field.get_default(call_default_factory=True)
    if hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    if secret or (isinstance(value, str) and value.startswith(DEV_SECRET_PREFIX)):
        return "dev-only value (required outside development)" if value else "(empty)"
    if value in ("", None):
        return "(empty)"
    if isinstance(value, list | tuple | set | frozenset):
        value = ",".join(str(v) for v in value)
    return f"`{value}`"


def rows() -> dict[str, tuple[str, str, list[str]]]:
    """Setting name → (default, meaning, deployables reading it)."""
    found: dict[str, tuple[str, str, list[str]]] = {}
    for deployable, path in SETTINGS_CLASSES.items():
        cls = load(path)
        secrets = set(getattr(cls, "secret_fields", ()))
        for name, field in cls.model_fields.items():
            env = (field.alias or name).upper()
            meaning = (field.description or "").strip()
            if env in found:
                default, old_meaning, users = found[env]
                found[env] = (default, old_meaning or meaning, [*users, deployable])
            else:
                found[env] = (_default(field, name in secrets), meaning, [deployable])
    return found


def render() -> str:
    lines = ["| setting | default | used by | meaning |", "|---|---|---|---|"]
    for env, (default, meaning, users) in sorted(rows().items()):
        used = "all" if len(users) == len(SETTINGS_CLASSES) else ", ".join(users)
        meaning = meaning.replace("|", "\\|")
        lines.append(f"| `{env}` | {default} | {used} | {meaning} |")
    return "\n".join(lines)


def readme_table(text: str) -> str:
    start, end = text.index(START) + len(START), text.index(END)
    return text[start:end].strip()


def write() -> None:
    text = README.read_text()
    start, end = text.index(START) + len(START), text.index(END)
    README.write_text(text[:start] + "\n" + render() + "\n" + text[end:])


if __name__ == "__main__":
    if "--write" in sys.argv:
        write()
    else:
        print(render())
