"""Logging for ``python -m mcp_server``: useful lines, no secrets, no per-request chatter.

Access log lines lose their query strings: ``/callback?code=…&state=…`` and
``/consent?request=…`` carry one-time secrets. The SDK's per-request INFO lines
("Processing request of type …") are raised to WARNING (they cost time on every
call, STACK.md 8).
"""

from __future__ import annotations

import logging

CHATTY = ("mcp.server.lowlevel.server", "mcp.server.streamable_http_manager", "mcp.server.sse")


class StripQueryString(logging.Filter):
    """Removes ``?…`` from the path in uvicorn's access log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def configure_logging(level: str) -> None:
    # Configured before the app is built, so FastMCP's own basicConfig call is a no-op.
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")
    for name in CHATTY:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, StripQueryString) for f in access.filters):
        access.addFilter(StripQueryString())
