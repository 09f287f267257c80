"""Data outlives the process: a restarted API finds the same todos."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.support.todos import running_todos_api
from tests.todos_api.client import UserClient


def test_todos_survive_an_api_restart(
    tmp_path: Path,
    issuer_url: str,
    store_overrides: dict[str, str],
    token_for: Callable[[str], str],
) -> None:
    with running_todos_api(tmp_path, issuer_url, **store_overrides) as api:
        alice = UserClient(api.url, token_for("alice"))
        kept = alice.create("remember me")
        done = alice.complete(alice.create("and me, done")["id"]).json()
        alice.close()

    with running_todos_api(tmp_path, issuer_url, **store_overrides) as api:
        alice = UserClient(api.url, token_for("alice"))
        assert alice.todos() == [kept, done]
        alice.close()


def test_the_sqlite_file_lives_in_the_data_directory(
    tmp_path: Path, issuer_url: str, token_for: Callable[[str], str]
) -> None:
    with running_todos_api(tmp_path, issuer_url) as api:
        alice = UserClient(api.url, token_for("alice"))
        alice.create("on disk")
        alice.close()
        assert api.settings.sqlite_path() == tmp_path / "todos_api" / "todos.sqlite"
        assert api.settings.sqlite_path().stat().st_size > 0
