"""Malformed and hostile requests get a 4xx with a JSON error body, never a 500."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.support.todos import RunningTodosApi


@pytest.fixture
def alice(api: RunningTodosApi, token_for: Callable[[str], str]) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {token_for('alice')}"}
    with httpx.Client(base_url=api.url, headers=headers, timeout=10.0) as client:
        yield client


def _assert_error(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert body["error"] == error
    assert isinstance(body["error_description"], str) and body["error_description"]
    return body


@pytest.mark.parametrize(
    "raw",
    [b'{"title": "unterminated', b"{'title': 'single quotes'}", b"\xff\xfe\x00garbage", b"[1,"],
)
def test_malformed_json_is_422(alice: httpx.Client, raw: bytes) -> None:
    response = alice.post("/api/todos", content=raw, headers={"Content-Type": "application/json"})
    body = _assert_error(response, 422, "invalid_request")
    assert body["errors"][0]["type"] == "json_invalid"


@pytest.mark.parametrize(
    "payload",
    [
        {"title": 123},
        {"title": None},
        {"title": ["a list"]},
        {"title": {"nested": "object"}},
        {"title": True},
        {},
        {"name": "wrong field"},
        ["not", "an", "object"],
        "just a string",
        {"title": "fine", "completed": True},  # unknown fields are refused, not ignored
    ],
)
def test_wrong_shapes_and_types_are_422_naming_the_problem(
    alice: httpx.Client, payload: Any
) -> None:
    body = _assert_error(alice.post("/api/todos", json=payload), 422, "invalid_request")
    assert body["errors"], body
    assert all(e["loc"][0] == "body" for e in body["errors"])


@pytest.mark.parametrize(
    "title", ["", "   ", "\t\n", "x" * 201, "é" * 201, "nul\x00byte", "bell\x07", "line\nbreak"]
)
def test_empty_oversized_or_control_character_titles_are_422(
    alice: httpx.Client, title: str
) -> None:
    _assert_error(alice.post("/api/todos", json={"title": title}), 422, "invalid_request")
    assert alice.get("/api/todos").json() == {"todos": []}


def test_a_title_of_exactly_200_characters_after_stripping_is_accepted(alice: httpx.Client) -> None:
    response = alice.post("/api/todos", json={"title": "  " + "é" * 200 + "  "})
    assert response.status_code == 201
    assert response.json()["title"] == "é" * 200


def test_the_validation_error_does_not_echo_the_input(alice: httpx.Client) -> None:
    secret = "x" * 300
    response = alice.post("/api/todos", json={"title": secret})
    _assert_error(response, 422, "invalid_request")
    assert secret not in response.text


def test_a_body_that_is_not_json_is_415(alice: httpx.Client) -> None:
    response = alice.post("/api/todos", data={"title": "form post"})
    _assert_error(response, 415, "unsupported_media_type")


def test_a_huge_body_is_413_before_it_is_parsed(alice: httpx.Client) -> None:
    response = alice.post("/api/todos", json={"title": "x" * 100_000})
    _assert_error(response, 413, "request_too_large")


def test_an_anonymous_malformed_body_is_refused_for_the_missing_token_first(
    api: RunningTodosApi,
) -> None:
    response = httpx.post(
        f"{api.url}/api/todos", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    _assert_error(response, 401, "missing_token")


def test_an_unknown_route_is_a_json_404(alice: httpx.Client) -> None:
    _assert_error(alice.get("/api/nothing-here"), 404, "not_found")


def test_a_wrong_method_is_a_json_405_with_allow(alice: httpx.Client) -> None:
    response = alice.delete("/api/todos")
    _assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["allow"]


def test_a_huge_streamed_body_without_content_length_is_413(alice: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"title": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    response = alice.post(
        "/api/todos", content=chunks(), headers={"Content-Type": "application/json"}
    )
    _assert_error(response, 413, "request_too_large")
