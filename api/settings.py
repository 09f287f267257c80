"""Settings of the front end (``python -m api``).

Names follow docs/CONTRACTS.md and the Cloudflare/Auth0 demo's ``.dev.vars``. Tests
construct this explicitly (``FrontendSettings(_env_file=None, ...)``); inner code takes
plain values from it and never reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator

from identity.config import BatonSettings, SettingsError, is_loopback_url

DEFAULT_SCOPE = "openid email profile offline_access read:todos write:todos read:billing"


class FrontendSettings(BatonSettings):
    """Everything the front end reads. Secrets default to ``dev-insecure-*`` values,
    which ``BatonSettings`` refuses outside development."""

    secret_fields = ("client_secret", "session_secret")

    host: str = Field("127.0.0.1", alias="FRONTEND_HOST", description="Interface to bind.")
    port: int = Field(8787, alias="FRONTEND_PORT", ge=0, le=65535, description="Port to bind.")
    public_url: str = Field(
        "http://127.0.0.1:8787",
        alias="FRONTEND_PUBLIC_URL",
        description="URL browsers use to reach the front end; the login callback hangs off it.",
    )
    client_id: str = Field(
        "baton-web", alias="FRONTEND_CLIENT_ID", description="Client id at the issuer."
    )
    client_secret: SecretStr = Field(
        SecretStr("dev-insecure-web-secret"),
        alias="FRONTEND_CLIENT_SECRET",
        description="Client secret at the issuer.",
    )
    session_secret: SecretStr = Field(
        SecretStr("dev-insecure-session-secret"),
        alias="FRONTEND_SESSION_SECRET",
        description="Signs the login-state cookie and derives the key encrypting stored tokens.",
    )
    scope: str = Field(DEFAULT_SCOPE, alias="AUTH0_SCOPE", description="Scopes asked at login.")
    use_resource_param: bool = Field(
        False,
        alias="AUTH0_USE_RESOURCE_PARAM",
        description="Ask for the API with RFC 8707 `resource` instead of Auth0's `audience`.",
    )
    api_base_url: str = Field(
        "http://127.0.0.1:8789",
        alias="API_BASE_URL",
        description="Base URL of the Todos API (the front end checks it in /readyz).",
    )
    mcp_public_url: str = Field(
        "http://127.0.0.1:8788",
        alias="MCP_PUBLIC_URL",
        description="Public URL of Baton's MCP server (the front end checks it in /readyz).",
    )
    chat_max_message_chars: int = Field(
        4000, alias="CHAT_MAX_MESSAGE_CHARS", ge=1, description="Longest chat message accepted."
    )
    session_ttl: int = Field(
        8 * 3600,
        alias="SESSION_TTL",
        ge=60,
        description="Seconds a login session lives without activity.",
    )
    session_absolute_ttl: int = Field(
        7 * 24 * 3600,
        alias="SESSION_ABSOLUTE_TTL",
        ge=60,
        description="Seconds a login session lives at most, active or not.",
    )
    token_refresh_margin: int = Field(
        60,
        alias="SESSION_REFRESH_MARGIN",
        ge=0,
        description="Refresh the access token this many seconds before it expires.",
    )
    sse_ping_seconds: float = Field(
        15.0,
        alias="CHAT_SSE_PING",
        gt=0,
        description="Keep-alive ping interval of the chat stream.",
    )
    redis_url: str = Field(
        "",
        alias="REDIS_URL",
        description="redis:// URL for shared state at scale; the front end keeps its sessions "
        "there (empty: {BATON_DATA_DIR}/frontend/sessions.sqlite).",
    )
    readiness_timeout: float = Field(
        3.0, alias="READYZ_TIMEOUT", gt=0, description="Per-dependency timeout of /readyz."
    )

    @model_validator(mode="after")
    def _public_url_is_https_in_production(self) -> FrontendSettings:
        # Outside development the session cookie is Secure (__Host-): over plain http
        # browsers would drop it and every login would silently fail.
        if (
            not self.is_development
            and urlsplit(self.public_url).scheme != "https"
            and not is_loopback_url(self.public_url)
        ):
            raise SettingsError("FRONTEND_PUBLIC_URL must be https outside development")
        return self

    @property
    def base_url(self) -> str:
        return self.public_url.rstrip("/")

    @property
    def callback_url(self) -> str:
        return self.base_url + "/auth/callback"

    @property
    def secure_cookies(self) -> bool:
        """Secure + ``__Host-`` cookies outside development, or whenever served over https."""
        return not self.is_development or urlsplit(self.public_url).scheme == "https"

    @property
    def session_cookie_name(self) -> str:
        return "__Host-baton_session" if self.secure_cookies else "baton_session"

    @property
    def login_cookie_name(self) -> str:
        return "__Host-baton_login" if self.secure_cookies else "baton_login"

    @property
    def sessions_path(self) -> Path:
        return self.data_path("frontend", "sessions.sqlite")

    @property
    def threads_path(self) -> Path:
        return self.data_path("frontend", "threads.sqlite")


__all__ = ["DEFAULT_SCOPE", "FrontendSettings"]
