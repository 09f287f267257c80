"""Settings of the development identity provider (``python -m identity.devidp``).

Names follow docs/CONTRACTS.md so one ``.env`` configures the provider and the
services that log in through it. The provider refuses to exist outside
``NODE_ENV=development`` and binds only to loopback unless told otherwise.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

from identity.config import LOOPBACK_HOSTS, BatonSettings, SettingsError


class DevUserSpec(BaseModel):
    """One entry of ``DEVIDP_USERS``; password defaults to the username."""

    username: str = Field(min_length=1, pattern=r"^[A-Za-z0-9._-]+$")
    password: str | None = None
    permissions: list[str] = Field(default_factory=list)
    email: str | None = None
    name: str | None = None


def _split_csv(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def loopback_forms(url: str) -> list[str]:
    """``url`` plus its twin with 127.0.0.1 and localhost swapped (browsers treat them apart)."""
    parts = urlsplit(url.rstrip("/"))
    forms = [urlunsplit(parts)]
    twins = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}
    host = parts.hostname or ""
    if host in twins:
        netloc = twins[host] + (f":{parts.port}" if parts.port else "")
        forms.append(urlunsplit(parts._replace(netloc=netloc)))
    return forms


class DevIdPSettings(BatonSettings):
    """Everything the dev provider reads; construct explicitly in tests (``_env_file=None``)."""

    host: str = Field("127.0.0.1", alias="DEVIDP_HOST", description="Interface to bind.")
    port: int = Field(8785, alias="DEVIDP_PORT", ge=0, le=65535, description="Port to bind.")
    allow_non_loopback: bool = Field(
        False,
        alias="DEVIDP_ALLOW_NON_LOOPBACK",
        description="Allow binding to an interface other than loopback.",
    )
    mcp_public_url: str = Field(
        "http://127.0.0.1:8788",
        alias="MCP_PUBLIC_URL",
        description="Public URL of the MCP server; its /callback is registered at the dev provider.",
    )
    frontend_public_url: str = Field(
        "http://127.0.0.1:8787",
        alias="FRONTEND_PUBLIC_URL",
        description="Public URL of the front end; its /auth/callback is registered at the dev provider.",
    )
    mcp_client_id: str = Field(
        "baton-mcp",
        alias="AUTH0_CLIENT_ID",
        description="Client id of the MCP server at the identity provider (a regular web app).",
    )
    mcp_client_secret: SecretStr = Field(
        SecretStr("dev-insecure-mcp-secret"),
        alias="AUTH0_CLIENT_SECRET",
        description="Client secret of the MCP server at the identity provider.",
    )
    frontend_client_id: str = Field(
        "baton-web",
        alias="FRONTEND_CLIENT_ID",
        description="Client id of the front end at the identity provider (a regular web app).",
    )
    frontend_client_secret: SecretStr = Field(
        SecretStr("dev-insecure-web-secret"),
        alias="FRONTEND_CLIENT_SECRET",
        description="Client secret of the front end at the identity provider.",
    )
    cli_client_id: str = Field(
        "baton-cli",
        alias="DEVIDP_CLI_CLIENT_ID",
        description="First-party public client allowed the password grant.",
    )
    extra_callbacks: str = Field(
        "",
        alias="DEVIDP_EXTRA_CALLBACKS",
        description="Comma-separated redirect URIs accepted for every registered client.",
    )
    logout_urls: str = Field(
        "",
        alias="DEVIDP_LOGOUT_URLS",
        description="Comma-separated extra URLs accepted as /v2/logout returnTo.",
    )
    extra_audiences: str = Field(
        "",
        alias="DEVIDP_EXTRA_AUDIENCES",
        description="Comma-separated API identifiers accepted besides AUTH0_AUDIENCE.",
    )
    users: list[DevUserSpec] | None = Field(
        None,
        alias="DEVIDP_USERS",
        description="JSON list of {username, password, permissions, email, name} replacing the demo users alice and bob.",
    )
    access_token_ttl: int = Field(
        3600,
        alias="DEVIDP_ACCESS_TOKEN_TTL",
        ge=1,
        description="Lifetime of the dev provider's access tokens, in seconds.",
    )
    id_token_ttl: int = Field(
        36000,
        alias="DEVIDP_ID_TOKEN_TTL",
        ge=1,
        description="Lifetime of the dev provider's ID tokens, in seconds (Auth0's default).",
    )
    refresh_token_ttl: int = Field(
        30 * 24 * 3600,
        alias="DEVIDP_REFRESH_TOKEN_TTL",
        ge=1,
        description="Lifetime of each (rotating) refresh token of the dev provider, in seconds.",
    )
    code_ttl: int = Field(
        60,
        alias="DEVIDP_CODE_TTL",
        ge=1,
        description="Lifetime of authorization codes, in seconds (single use).",
    )
    refresh_reuse_grace: int = Field(
        5,
        alias="DEVIDP_REFRESH_REUSE_GRACE",
        ge=0,
        description="Seconds in which a just-rotated refresh token is refused without "
        "revoking its successors (concurrent refreshes); later reuse revokes them all.",
    )
    session_ttl: int = Field(
        24 * 3600,
        alias="DEVIDP_SESSION_TTL",
        ge=1,
        description="Lifetime of the dev provider's SSO session cookie, in seconds.",
    )

    @model_validator(mode="before")
    @classmethod
    def _refuse_production_first(cls, data: Any) -> Any:
        # Runs before the base class's checks so that NODE_ENV=production gets this
        # message rather than one about the issuer's scheme.
        if isinstance(data, dict):
            for key, value in data.items():
                if isinstance(key, str) and key.lower() == "node_env":
                    probe = BatonSettings.model_construct(node_env=str(value))
                    if not probe.is_development:
                        raise SettingsError(_not_development(str(value)))
        return data

    @field_validator("users", mode="before")
    @classmethod
    def _users_from_json(cls, value: Any) -> Any:
        # The environment gives JSON text; accept the same text when passed directly.
        if isinstance(value, str):
            return json.loads(value) if value.strip() else None
        return value

    @model_validator(mode="after")
    def _development_only(self) -> DevIdPSettings:
        ensure_safe_to_run(self)
        return self

    @property
    def public_url(self) -> str:
        return self.devidp_public_url.rstrip("/")

    @property
    def own_issuer(self) -> str:
        """The issuer this provider signs as (always its own URL, never AUTH0_DOMAIN)."""
        return self.public_url + "/"

    @property
    def audiences(self) -> list[str]:
        return [self.auth0_audience, *_split_csv(self.extra_audiences)]

    @property
    def extra_callback_list(self) -> list[str]:
        return _split_csv(self.extra_callbacks)

    @property
    def logout_url_list(self) -> list[str]:
        return [*loopback_forms(self.frontend_public_url), *_split_csv(self.logout_urls)]


def _not_development(node_env: str) -> str:
    return (
        f"the Baton development identity provider refuses to start: "
        f"NODE_ENV={node_env!r} is not development"
    )


def ensure_safe_to_run(settings: DevIdPSettings) -> None:
    """Raise ``SettingsError`` unless this is development on loopback (or explicitly allowed)."""
    if not settings.is_development:
        raise SettingsError(_not_development(settings.node_env))
    if settings.host not in LOOPBACK_HOSTS and not settings.allow_non_loopback:
        raise SettingsError(
            f"the Baton development identity provider binds only to loopback; "
            f"DEVIDP_HOST={settings.host!r} needs DEVIDP_ALLOW_NON_LOOPBACK=true"
        )


__all__ = ["DevIdPSettings", "DevUserSpec", "ensure_safe_to_run", "loopback_forms"]
