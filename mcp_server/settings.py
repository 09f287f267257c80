"""Settings of the MCP server (``python -m mcp_server``).

Names follow docs/CONTRACTS.md and the Cloudflare/Auth0 demo's ``.dev.vars``. Inner
code never reads these: ``mcp_server.app.create_app`` hands plain values on.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator

from identity.config import LOOPBACK_HOSTS, BatonSettings, SettingsError

TOOL_SCOPES = ("read:todos", "write:todos", "read:billing")


def _split_csv(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


class McpServerSettings(BatonSettings):
    """Everything the MCP server reads; construct explicitly in tests (``_env_file=None``)."""

    secret_fields: ClassVar[tuple[str, ...]] = (
        "auth0_client_secret",
        "graph_client_secret",
        "encryption_key",
    )

    host: str = Field("127.0.0.1", alias="MCP_HOST", description="Interface to bind.")
    port: int = Field(8788, alias="MCP_PORT", ge=0, le=65535, description="Port to bind.")
    public_url: str = Field(
        "http://127.0.0.1:8788",
        alias="MCP_PUBLIC_URL",
        description="URL clients use to reach this server; the issuer and resource derive from it.",
    )
    allowed_hosts: str = Field(
        "",
        alias="MCP_ALLOWED_HOSTS",
        description="Comma-separated extra Host header values accepted (e.g. a proxy's name).",
    )
    allowed_origins: str = Field(
        "",
        alias="MCP_ALLOWED_ORIGINS",
        description="Comma-separated extra Origin values accepted at /mcp and /sse (browser clients).",
    )
    auth0_client_id: str = Field(
        "baton-mcp",
        alias="AUTH0_CLIENT_ID",
        description="The MCP server's application (regular web app) at the identity provider.",
    )
    auth0_client_secret: SecretStr = Field(
        SecretStr("dev-insecure-mcp-secret"),
        alias="AUTH0_CLIENT_SECRET",
        description="Secret of that application.",
    )
    auth0_scope: str = Field(
        "openid email profile offline_access read:todos write:todos read:billing",
        alias="AUTH0_SCOPE",
        description="Scopes the MCP server asks the identity provider for at login.",
    )
    auth0_use_resource_param: bool = Field(
        False,
        alias="AUTH0_USE_RESOURCE_PARAM",
        description="Ask the upstream for the API with RFC 8707 `resource` instead of Auth0's `audience`.",
    )
    api_base_url: str = Field(
        "http://127.0.0.1:8789", alias="API_BASE_URL", description="Base URL of the Todos API."
    )
    graph_client_id: str = Field(
        "baton-graph",
        alias="GRAPH_CLIENT_ID",
        description="Confidential client the graph uses for RFC 8693 token exchange.",
    )
    graph_client_secret: SecretStr = Field(
        SecretStr("dev-insecure-graph-secret"),
        alias="GRAPH_CLIENT_SECRET",
        description="Secret of the graph's client.",
    )
    trusted_azp: str = Field(
        "baton-web,baton-cli",
        alias="MCP_TRUSTED_AZP",
        description="Comma-separated client ids whose tokens may be exchanged (RFC 8693 subject tokens).",
    )
    encryption_key: SecretStr = Field(
        SecretStr(""),
        alias="MCP_ENCRYPTION_KEY",
        description=(
            "Fernet key(s), comma-separated, first one encrypts; encrypts upstream tokens at rest. "
            "Empty in development: generated once into the data directory."
        ),
    )
    redis_url: str = Field(
        "",
        alias="REDIS_URL",
        description="redis:// URL of the shared grant store for several replicas "
        "(empty: {BATON_DATA_DIR}/mcp/grants.sqlite).",
    )
    access_token_ttl: int = Field(
        3600,
        alias="MCP_ACCESS_TOKEN_TTL",
        ge=1,
        description="Lifetime of Baton's access tokens (s).",
    )
    refresh_token_ttl: int = Field(
        30 * 24 * 3600,
        alias="MCP_REFRESH_TOKEN_TTL",
        ge=1,
        description="Lifetime of Baton's refresh tokens (s); each use rotates them.",
    )
    client_idle_ttl: int = Field(
        30 * 24 * 3600,
        alias="MCP_CLIENT_IDLE_TTL",
        ge=60,
        description="Dynamically registered clients unused this long (and holding no grant) are purged.",
    )
    upstream_refresh_margin: int = Field(
        60,
        alias="MCP_UPSTREAM_REFRESH_MARGIN",
        ge=0,
        description="Refresh an upstream access token this many seconds before it expires.",
    )

    @field_validator("public_url")
    @classmethod
    def _public_url_is_an_origin(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise SettingsError(f"MCP_PUBLIC_URL {value!r} must be an http(s) URL")
        if parts.query or parts.fragment:
            raise SettingsError("MCP_PUBLIC_URL must not have a query or fragment")
        return value.strip().rstrip("/")

    @model_validator(mode="after")
    def _https_outside_development(self) -> McpServerSettings:
        if not self.is_development and urlsplit(self.public_url).scheme != "https":
            raise SettingsError("MCP_PUBLIC_URL must be https outside development")
        return self

    @property
    def extra_allowed_hosts(self) -> list[str]:
        return _split_csv(self.allowed_hosts)

    @property
    def extra_allowed_origins(self) -> list[str]:
        return _split_csv(self.allowed_origins)

    @property
    def trusted_azp_list(self) -> list[str]:
        return _split_csv(self.trusted_azp)

    @property
    def public_is_loopback(self) -> bool:
        return (urlsplit(self.public_url).hostname or "") in LOOPBACK_HOSTS

    @property
    def grants_path(self) -> str:
        return str(self.data_path("mcp", "grants.sqlite"))

    @property
    def key_path(self) -> str:
        return str(self.data_path("mcp", "encryption.key"))
