"""``python -m mcp_server``: serve the MCP server on ``MCP_HOST``:``MCP_PORT`` (127.0.0.1:8788)."""

from __future__ import annotations

import uvicorn

from mcp_server.app import create_app
from mcp_server.logs import configure_logging
from mcp_server.settings import McpServerSettings


def main() -> None:
    settings = McpServerSettings()
    configure_logging(settings.log_level)
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        # Only trust X-Forwarded-* from a proxy on this machine.
        forwarded_allow_ips="127.0.0.1",
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
