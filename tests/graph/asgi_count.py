"""Watching the MCP server from outside: ASGI wrappers that see each JSON-RPC POST to ``/mcp``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from identity.asgi import replay_body

PostHook = Callable[[dict[str, str], bytes], Awaitable[None]]
"""Called with the request's headers (lower-case names) and body before the app sees it."""


def observing_mcp_posts(app: Any, hook: PostHook, path: str = "/mcp") -> Any:
    """``app`` with ``hook`` called on each POST to ``path`` (the body is replayed to the app)."""

    async def wrapper(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != path or scope["method"] != "POST":
            await app(scope, receive, send)
            return
        chunks = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        await hook(headers, body)
        await app(scope, replay_body(body, receive), send)

    return wrapper


def is_method(body: bytes, method: str) -> bool:
    return f'"method":"{method}"'.encode() in body.replace(b" ", b"")


def counting_initializes(app: Any, counter: list[int]) -> Any:
    """The MCP server's ASGI app, counting JSON-RPC ``initialize`` requests to ``/mcp``."""

    async def count(headers: dict[str, str], body: bytes) -> None:
        if is_method(body, "initialize"):
            counter[0] += 1

    return observing_mcp_posts(app, count)
