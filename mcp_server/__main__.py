"""``python -m mcp_server``: serve the MCP server on ``MCP_HOST``:``MCP_PORT`` (127.0.0.1:8788)."""

from __future__ import annotations

import uvicorn

from mcp_server.app import create_app
from mcp_server.settings import McpServerSettings


def main() -> None:
    settings = McpServerSettings()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        # Only trust X-Forwarded-* from a proxy on this machine.
        forwarded_allow_ips="127.0.0.1",
    )


if __name__ == "__main__":
    main()
