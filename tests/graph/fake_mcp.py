"""A small MCP server + RFC 8693 token endpoint for graph tests that need control the real one lacks.

Tools keep todos in memory per user; ``slow-a``/``slow-b`` sleep a known delay and record
when they ran (parallelism); the ASGI wrapper counts ``initialize`` requests (sessions)
and can revoke the Baton tokens it issued (re-exchange). The real stack is exercised by
``test_real_stack.py``.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from mcp.server.fastmcp import Context, FastMCP

from identity.asgi import replay_body

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


@dataclass
class FakeMcpState:
    subjects: dict[str, str] = field(default_factory=dict)
    """subject (Auth0) token -> user id; other subject tokens get invalid_grant."""
    issued: dict[str, str] = field(default_factory=dict)
    """Baton token -> user id (valid ones)."""
    todos: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    billing: dict[str, dict[str, Any]] = field(default_factory=dict)
    initializes: int = 0
    exchanges: int = 0
    tool_calls: list[str] = field(default_factory=list)
    runs: dict[str, tuple[float, float]] = field(default_factory=dict)
    delay: float = 0.5
    exchange_log: list[dict[str, str]] = field(default_factory=list)
    every_token: dict[str, str] = field(default_factory=dict)
    """Every Baton token ever issued -> user (to search stored data for; tools resolve
    users here, so a token revoked after the door let its request in still names them)."""
    revoke_after_calls: int | None = None
    """Revoke every issued token once this many tool calls have been made."""
    refuse_subjects_on_revoke: bool = False
    """With ``revoke_after_calls``: also stop accepting the subject tokens (re-exchange fails)."""

    def record_call(self, name: str) -> None:
        self.tool_calls.append(name)
        if self.revoke_after_calls is not None and len(self.tool_calls) >= self.revoke_after_calls:
            self.revoke_after_calls = None
            self.issued.clear()
            if self.refuse_subjects_on_revoke:
                self.subjects.clear()


def build_app(state: FakeMcpState, base_url: Callable[[], str]) -> Callable[..., Awaitable[None]]:
    server = FastMCP("fake-baton")

    def user(ctx: Context[Any, Any, Any]) -> str:
        request = ctx.request_context.request
        assert request is not None
        token = request.headers["authorization"].removeprefix("Bearer ")
        return state.every_token[token]

    @server.tool(name="whoami", description="Who the signed-in user is.")
    def whoami(ctx: Context[Any, Any, Any]) -> str:
        return json.dumps({"sub": user(ctx)})

    @server.tool(name="list-todos", description="List the user's todos.")
    def list_todos(ctx: Context[Any, Any, Any]) -> str:
        who = user(ctx)
        state.record_call("list-todos")
        return json.dumps(state.todos.get(who, []))

    @server.tool(name="create-todo", description="Create a todo for the user.")
    def create_todo(title: str, ctx: Context[Any, Any, Any]) -> str:
        items = state.todos.setdefault(user(ctx), [])
        state.record_call("create-todo")
        item = {"id": len(items) + 1, "title": title, "completed": False}
        items.append(item)
        return json.dumps(item)

    @server.tool(name="list-billing", description="Show the user's billing.")
    def list_billing(ctx: Context[Any, Any, Any]) -> str:
        who = user(ctx)
        state.record_call("list-billing")
        return json.dumps(state.billing.get(who, {}))

    for name in ("slow-a", "slow-b"):

        def make(tool_name: str) -> Callable[..., Awaitable[str]]:
            async def slow() -> str:
                start = time.monotonic()
                await asyncio.sleep(state.delay)
                state.runs[tool_name] = (start, time.monotonic())
                return json.dumps({"tool": tool_name, "value": 42})

            return slow

        server.add_tool(make(name), name=name, description=f"Look up {name} (slow).")

    mcp_app = server.streamable_http_app()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await mcp_app(scope, receive, send)
            return
        path = scope["path"]
        if path == "/.well-known/oauth-authorization-server":
            await _json(send, 200, {"issuer": base_url(), "token_endpoint": f"{base_url()}/token"})
            return
        body = await _read(receive)
        if path == "/token":
            await _exchange(state, body, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        token = headers.get("authorization", "").removeprefix("Bearer ")
        if token not in state.issued:
            await _json(send, 401, {"error": "invalid_token"}, {"www-authenticate": "Bearer"})
            return
        if scope["method"] == "POST" and b'"method":"initialize"' in body.replace(b" ", b""):
            state.initializes += 1
        await mcp_app(scope, replay_body(body, receive), send)

    return app


async def _exchange(state: FakeMcpState, body: bytes, send: Send) -> None:
    from urllib.parse import parse_qs

    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    state.exchange_log.append({k: v for k, v in form.items() if k != "subject_token"})
    if form.get("client_secret") != "dev-insecure-graph-secret":
        await _json(send, 401, {"error": "invalid_client"})
        return
    subject = state.subjects.get(form.get("subject_token", ""))
    if subject is None:
        await _json(send, 400, {"error": "invalid_grant", "error_description": "untrusted azp"})
        return
    state.exchanges += 1
    token = "baton_" + secrets.token_urlsafe(16)
    state.issued[token] = subject
    state.every_token[token] = subject
    await _json(
        send,
        200,
        {
            "access_token": token,
            "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
            "token_type": "Bearer",
            "expires_in": 3600,
        },
    )


async def _read(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _json(
    send: Send, status: int, payload: dict[str, Any], extra: dict[str, str] | None = None
) -> None:
    data = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
