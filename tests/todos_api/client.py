"""A small HTTP client for the tests: one user's view of a running API."""

from __future__ import annotations

from typing import Any

import httpx


class UserClient:
    """Calls the API with one bearer token (or none)."""

    def __init__(self, base_url: str, token: str | None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=10.0)

    def todos(self) -> list[dict[str, Any]]:
        response = self.http.get("/api/todos")
        assert response.status_code == 200, response.text
        todos: list[dict[str, Any]] = response.json()["todos"]
        return todos

    def create(self, title: str) -> dict[str, Any]:
        response = self.http.post("/api/todos", json={"title": title})
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    def complete(self, todo_id: str) -> httpx.Response:
        return self.http.post(f"/api/todos/{todo_id}/complete")

    def close(self) -> None:
        self.http.close()
