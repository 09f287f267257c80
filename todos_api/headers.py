"""Response headers every answer carries.

Per-user data must not be stored by shared caches (``Cache-Control: no-store``), and
JSON must never be sniffed into something a browser would render (``nosniff``).
"""

from __future__ import annotations

from starlette.types import ASGIApp

from identity.asgi import DefaultHeaders

DEFAULTS = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
}


class DefaultHeadersMiddleware(DefaultHeaders):
    """Adds ``DEFAULTS`` to each response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, DEFAULTS)


__all__ = ["DefaultHeadersMiddleware"]
