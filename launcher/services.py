"""What `make run` starts: one entry per deployable, with the settings that name its port."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from identity.config import BatonSettings


@dataclass(frozen=True)
class Service:
    name: str
    module: str
    host: str
    port: int
    health_url: str
    port_setting: str
    url_setting: str

    @property
    def command(self) -> list[str]:
        return ["-m", self.module]


def _port_of(url: str, default: int) -> int:
    return urlsplit(url).port or default


class LauncherSettings(BatonSettings):
    """Only what the launcher needs to know about each service; the services read the rest."""

    devidp_host: str = "127.0.0.1"
    devidp_port: int = 8785
    todos_api_host: str = "127.0.0.1"
    todos_api_port: int = 8789
    api_base_url: str = "http://127.0.0.1:8789"
    mcp_host: str = "127.0.0.1"
    mcp_port: int = 8788
    mcp_public_url: str = "http://127.0.0.1:8788"
    frontend_host: str = "127.0.0.1"
    frontend_port: int = 8787
    frontend_public_url: str = "http://127.0.0.1:8787"

    def services(self) -> list[Service]:
        found: list[Service] = []
        if self.uses_dev_idp:
            found.append(
                Service(
                    "identity provider (development)",
                    "identity.devidp",
                    self.devidp_host,
                    self.devidp_port,
                    f"http://{self.devidp_host}:{self.devidp_port}/healthz",
                    "DEVIDP_PORT",
                    "DEVIDP_PUBLIC_URL",
                )
            )
        found += [
            Service(
                "Todos API",
                "todos_api",
                self.todos_api_host,
                self.todos_api_port,
                f"http://{self.todos_api_host}:{self.todos_api_port}/api/health",
                "TODOS_API_PORT",
                "API_BASE_URL",
            ),
            Service(
                "MCP server",
                "mcp_server",
                self.mcp_host,
                self.mcp_port,
                f"http://{self.mcp_host}:{self.mcp_port}/healthz",
                "MCP_PORT",
                "MCP_PUBLIC_URL",
            ),
            Service(
                "front end",
                "api",
                self.frontend_host,
                self.frontend_port,
                f"http://{self.frontend_host}:{self.frontend_port}/healthz",
                "FRONTEND_PORT",
                "FRONTEND_PUBLIC_URL",
            ),
        ]
        return found
