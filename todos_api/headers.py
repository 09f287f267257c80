"""Response headers every answer carries.

Per-user data must not be stored by shared caches (``Cache-Control: no-store``), and
JSON must never be sniffed into something a browser would render (``nosniff``).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULTS = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
}


class DefaultHeadersMiddleware:
    """Adds ``DEFAULTS`` to each response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in DEFAULTS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


__all__ = ["DefaultHeadersMiddleware"]
