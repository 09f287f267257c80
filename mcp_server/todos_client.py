"""Calls to the Todos API with the user's upstream access token.

``TodosClient`` is the seam the tools use; ``HttpTodosClient`` speaks HTTP to
``API_BASE_URL``. Failures become ``TodosApiError`` with a message fit to show the
user (and the model) as a tool error; the token never appears in it.
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import quote

import httpx

MAX_RESPONSE_BYTES = 1024 * 1024


class TodosApiError(Exception):
    """The Todos API refused or failed a call; ``str(exc)`` is safe to show."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable


class TodosClient(Protocol):
    async def me(self, token: str) -> dict[str, Any]: ...
    async def list_todos(self, token: str) -> dict[str, Any]: ...
    async def create_todo(self, token: str, title: str) -> dict[str, Any]: ...
    async def complete_todo(self, token: str, todo_id: str) -> dict[str, Any]: ...
    async def billing(self, token: str) -> dict[str, Any]: ...


class HttpTodosClient:
    """``TodosClient`` over HTTP; one shared ``httpx.AsyncClient`` (connection pooling)."""

    def __init__(self, base_url: str, http: httpx.AsyncClient) -> None:
        self._base = base_url.rstrip("/")
        self._http = http

    async def me(self, token: str) -> dict[str, Any]:
        return await self._call("GET", "/api/me", token)

    async def list_todos(self, token: str) -> dict[str, Any]:
        return await self._call("GET", "/api/todos", token)

    async def create_todo(self, token: str, title: str) -> dict[str, Any]:
        return await self._call("POST", "/api/todos", token, json={"title": title})

    async def complete_todo(self, token: str, todo_id: str) -> dict[str, Any]:
        path = f"/api/todos/{quote(todo_id, safe='')}/complete"
        return await self._call("POST", path, token)

    async def billing(self, token: str) -> dict[str, Any]:
        return await self._call("GET", "/api/billing", token)

    async def _call(
        self, method: str, path: str, token: str, json: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        try:
            response = await self._http.request(
                method,
                self._base + path,
                json=json,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise TodosApiError(
                f"The Todos API could not be reached ({type(exc).__name__}); try again shortly.",
                retryable=True,
            ) from exc
        if len(response.content) > MAX_RESPONSE_BYTES:
            raise TodosApiError("The Todos API answered with an oversized response.")
        body = _json_or_none(response)
        if response.is_success and isinstance(body, dict):
            return body
        raise _error_for(response.status_code, body)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _error_for(status: int, body: Any) -> TodosApiError:
    detail = ""
    if isinstance(body, dict):
        for key in ("error_description", "detail", "message", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                detail = value[:300]
                break
    messages = {
        400: "The Todos API rejected the request",
        401: "The Todos API did not accept the user's credentials; re-authorize",
        403: "The user lacks the permission the Todos API requires",
        404: "Not found",
        413: "The request is too large for the Todos API",
        415: "The Todos API rejected the request format",
        422: "The Todos API rejected the input",
        429: "The Todos API is rate limiting; try again shortly",
    }
    base = messages.get(status) or (
        "The Todos API is temporarily unavailable; try again shortly"
        if status >= 500
        else f"The Todos API answered HTTP {status}"
    )
    return TodosApiError(
        f"{base}: {detail}" if detail else base,
        status=status,
        retryable=status >= 500 or status == 429,
    )
