"""A request-body size limit that answers in the API's JSON error shape.

Hand-written because Starlette's ``RequestBodyLimitMiddleware`` (behind FastAPI's
``max_body_size``) replaces any response with a plain-text 413 whenever the declared
Content-Length is too large, which would break the JSON error contract.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from todos_api.errors import BodyTooLarge
from todos_api.handlers import too_large_response


class BodyLimitMiddleware:
    """Refuses bodies over ``max_bytes``: at once if Content-Length says so, else
    by raising ``BodyTooLarge`` (handled as 413) as soon as the stream exceeds it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await too_large_response()(scope, receive, send)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge()
            return message

        await self.app(scope, limited_receive, send)


__all__ = ["BodyLimitMiddleware"]
