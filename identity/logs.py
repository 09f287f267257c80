"""Access-log hygiene shared by every service: no query strings in uvicorn's access log.

Query strings carry one-time secrets: ``/auth/callback?code=…&state=…`` at the front
end, ``/callback?code=…`` and ``/consent?request=…`` at the MCP server, PKCE and state
at the identity provider. The path alone is enough to read a log.
"""

from __future__ import annotations

import logging


class StripQueryString(logging.Filter):
    """Removes ``?…`` from the path in uvicorn's access log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def strip_access_log_queries() -> None:
    """Install ``StripQueryString`` on uvicorn's access logger (idempotent)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, StripQueryString) for f in access.filters):
        access.addFilter(StripQueryString())
