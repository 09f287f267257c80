"""How every Baton service is served: uvicorn, with the shared access-log hygiene."""

from __future__ import annotations

from typing import Any

import uvicorn

from identity.logs import strip_access_log_queries


def serve(app: Any, *, host: str, port: int, log_level: str, **options: Any) -> None:
    """Run ``app`` until interrupted; ``options`` go to ``uvicorn.run`` (proxy settings...).

    Installed here, once for all services, so no access-log line carries a query string.
    """
    strip_access_log_queries()
    uvicorn.run(app, host=host, port=port, log_level=log_level.lower(), **options)
