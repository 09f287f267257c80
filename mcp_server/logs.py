"""Logging for ``python -m mcp_server``: useful lines, no secrets, no per-request chatter.

Access log lines lose their query strings (``identity.serving.serve`` installs the
filter for every service): ``/callback?code=…&state=…`` and ``/consent?request=…``
carry one-time secrets. The SDK's per-request INFO lines
("Processing request of type …") are raised to WARNING (they cost time on every
call, STACK.md 8).
"""

from __future__ import annotations

import logging

__all__ = ["CHATTY", "configure_logging"]

CHATTY = ("mcp.server.lowlevel.server", "mcp.server.streamable_http_manager", "mcp.server.sse")


def configure_logging(level: str) -> None:
    # Configured before the app is built, so FastMCP's own basicConfig call is a no-op.
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")
    for name in CHATTY:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))
