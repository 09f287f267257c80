"""``python -m mcp_server``: serve the MCP server on ``MCP_HOST``:``MCP_PORT`` (127.0.0.1:8788)."""

from __future__ import annotations

from identity.serving import serve
from mcp_server.app import create_app
from mcp_server.logs import configure_logging
from mcp_server.settings import McpServerSettings


def main() -> None:
    settings = McpServerSettings()
    configure_logging(settings.log_level)
    app = create_app(settings)
    serve(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        # Only trust X-Forwarded-* from a proxy on this machine.
        forwarded_allow_ips="127.0.0.1",
    )


if __name__ == "__main__":
    main()
