"""Counting MCP sessions at the server: an ASGI wrapper that sees every ``initialize``."""

from __future__ import annotations

from typing import Any


def counting_initializes(app: Any, counter: list[int]) -> Any:
    """The MCP server's ASGI app, counting JSON-RPC ``initialize`` requests to ``/mcp``."""

    async def wrapper(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != "/mcp" or scope["method"] != "POST":
            await app(scope, receive, send)
            return
        chunks = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if b'"method":"initialize"' in body.replace(b" ", b""):
            counter[0] += 1
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await app(scope, replay, send)

    return wrapper
