"""Which todo a user means by a title, among the todos an earlier step listed.

The offline worker acts only on a single clear match: no match, several matches or a
todo that is already done are told to the user instead of guessed at.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from graph import offline_format

# Words a request wraps a title in ("the buy milk todo") that are not part of it.
_FILLER = frozenset({"the", "a", "an", "my", "todo", "task", "item"})
_SHOWN = 10


@dataclass(frozen=True)
class TodoChoice:
    """The todo to act on, or (``todo is None``) what to tell the user instead."""

    todo: dict[str, Any] | None
    message: str = ""


def listed_todos(results: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Todos with an id in the outputs of successful earlier steps (``None``: none listed)."""
    found: list[dict[str, Any]] | None = None
    for result in results:
        if not result.get("ok", True):
            continue
        try:
            data = json.loads(str(result.get("output", "")))
        except json.JSONDecodeError:
            continue
        items = offline_format.todo_items(data)
        if items is not None:
            found = (found or []) + [i for i in items if isinstance(i, dict) and "id" in i]
    return found


def choose(title: str, todos: list[dict[str, Any]] | None) -> TodoChoice:
    """The one open todo ``title`` names, to mark as done.

    A todo whose words equal the title's (ignoring case, punctuation and plurals) wins
    over todos that merely contain them; among those, open todos win over done ones.
    Two or more left is ambiguous.
    """
    wanted = f'"{title}"'
    if todos is None:
        return TodoChoice(
            None, f"I could not look up your todos, so {wanted} was not marked as done."
        )
    query = _words(title, drop_filler=True)
    if not query:
        return TodoChoice(None, _no_match(wanted, todos))
    exact = [t for t in todos if _words(offline_format.title_of(t), drop_filler=True) == query]
    matches = exact or [t for t in todos if query <= _words(offline_format.title_of(t))]
    if not matches:
        return TodoChoice(None, _no_match(wanted, todos))
    open_ = [t for t in matches if not offline_format.is_done(t)]
    if len(open_) == 1:
        return TodoChoice(open_[0])
    if not open_:
        if len(matches) == 1:
            todo = matches[0]
            return TodoChoice(
                None,
                f'"{offline_format.title_of(todo)}" is already marked as done'
                f"{offline_format.id_suffix(todo)}.",
            )
        return TodoChoice(None, f"Every todo matching {wanted} is already marked as done.")
    listing = "\n".join(
        f"- {offline_format.title_of(t)}{offline_format.id_suffix(t)}" for t in open_
    )
    return TodoChoice(
        None,
        f"{wanted} matches {len(open_)} of your open todos, so none was marked as done:\n"
        f'{listing}\nSay which one, for example "complete todo {open_[0]["id"]}".',
    )


def _no_match(wanted: str, todos: list[dict[str, Any]]) -> str:
    message = f"I found no todo matching {wanted}, so nothing was marked as done."
    open_ = [offline_format.title_of(t) for t in todos if not offline_format.is_done(t)]
    if open_:
        shown = ", ".join(f'"{t}"' for t in open_[:_SHOWN])
        more = f" and {len(open_) - _SHOWN} more" if len(open_) > _SHOWN else ""
        message += f" Your open todos: {shown}{more}."
    return message


def _words(text: str, *, drop_filler: bool = False) -> frozenset[str]:
    words = [_singular(w) for w in re.findall(r"\w+", text.casefold())]
    kept = [w for w in words if w not in _FILLER] if drop_filler else words
    return frozenset(kept or words)


def _singular(word: str) -> str:
    # "buy the apples" should find "buy the apple": a plural s is not a different todo.
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
