"""Todos on both stores: each user sees and changes only their own rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.todos import RunningTodosApi
from tests.todos_api.client import UserClient


@pytest.fixture
def alice(
    api_on_each_store: RunningTodosApi, token_for: Callable[[str], str]
) -> Iterator[UserClient]:
    client = UserClient(api_on_each_store.url, token_for("alice"))
    yield client
    client.close()


@pytest.fixture
def bob(
    api_on_each_store: RunningTodosApi, token_for: Callable[[str], str]
) -> Iterator[UserClient]:
    client = UserClient(api_on_each_store.url, token_for("bob"))
    yield client
    client.close()


@pytest.fixture
def carol(
    api_on_each_store: RunningTodosApi, token_for: Callable[[str], str]
) -> Iterator[UserClient]:
    """A second user with write access, to show isolation between two writers."""
    client = UserClient(api_on_each_store.url, token_for("carol"))
    yield client
    client.close()


def test_a_new_user_has_no_todos(alice: UserClient) -> None:
    assert alice.todos() == []


def test_a_created_todo_is_open_with_its_title_stripped_and_a_creation_time(
    alice: UserClient,
) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    todo = alice.create("  water the plants \t")
    assert todo["title"] == "water the plants"
    assert todo["completed"] is False
    assert isinstance(todo["id"], str) and todo["id"]
    created_at = datetime.fromisoformat(todo["created_at"])
    assert before <= created_at <= datetime.now(UTC) + timedelta(seconds=5)
    assert alice.todos() == [todo]


def test_todos_are_listed_oldest_first(alice: UserClient) -> None:
    titles = [f"step {n}" for n in range(5)]
    for title in titles:
        alice.create(title)
    assert [t["title"] for t in alice.todos()] == titles


def test_alice_and_bob_see_only_their_own_todos(
    alice: UserClient, carol: UserClient, bob: UserClient
) -> None:
    alice.create("alice's secret plan")
    carol.create("carol's shopping")
    assert [t["title"] for t in alice.todos()] == ["alice's secret plan"]
    assert [t["title"] for t in carol.todos()] == ["carol's shopping"]
    assert bob.todos() == []


def test_completing_a_todo_marks_it_done_and_repeating_it_changes_nothing(
    alice: UserClient,
) -> None:
    todo = alice.create("file taxes")
    first = alice.complete(todo["id"])
    assert first.status_code == 200
    assert first.json() == {**todo, "completed": True}
    again = alice.complete(todo["id"])
    assert again.status_code == 200
    assert again.json() == first.json()
    assert alice.todos() == [first.json()]


def test_completing_another_users_todo_is_404_like_an_unknown_id_and_leaves_it_open(
    alice: UserClient, carol: UserClient
) -> None:
    todo = alice.create("alice only")
    theirs = carol.complete(todo["id"])
    unknown = carol.complete("00000000-0000-4000-8000-000000000000")
    assert theirs.status_code == unknown.status_code == 404
    assert (
        theirs.json()
        == unknown.json()
        == {
            "error": "not_found",
            "error_description": "No such todo.",
        }
    )
    assert alice.todos() == [todo]


@pytest.mark.parametrize(
    "todo_id",
    [
        "x" * 65,
        "x" * 2000,
        "%27%20OR%201%3D1%20--",
        "..%2F..%2Fetc",
        "%F0%9F%92%A9",
        "%00",
        "%FF%FE",
        "a%0Ab",
    ],
)
def test_hostile_or_oversized_ids_are_simply_not_found(alice: UserClient, todo_id: str) -> None:
    response = alice.complete(todo_id)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_bob_may_read_but_not_create_or_complete(alice: UserClient, bob: UserClient) -> None:
    todo = alice.create("alice's")
    for response in (
        bob.http.post("/api/todos", json={"title": "bob's"}),
        bob.complete(todo["id"]),
    ):
        assert response.status_code == 403
        assert response.headers["www-authenticate"].startswith("Bearer ")
        assert 'error="insufficient_scope"' in response.headers["www-authenticate"]
        assert 'scope="write:todos"' in response.headers["www-authenticate"]
        assert response.json()["error"] == "insufficient_scope"
    assert bob.todos() == []
    assert alice.todos() == [todo]
