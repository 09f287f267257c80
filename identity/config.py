"""Settings shared by every deployable.

Each service has its own ``BaseSettings`` subclass (one per deployable, see STYLE.md);
they all inherit the environment sources and the tenant fields here, so the
Cloudflare/Auth0 demo's ``.dev.vars`` works unchanged for all of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_PREFIX = "dev-insecure-"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


class SettingsError(ValueError):
    """A setting is missing or unsafe for the current environment."""


def is_loopback_url(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOOPBACK_HOSTS


class BatonSettings(BaseSettings):
    """Fields every service reads: environment, data directory and the tenant."""

    model_config = SettingsConfigDict(
        env_file=(".env", ".dev.vars"),
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        populate_by_name=True,
    )

    # Names of fields holding secrets; outside development they must be set explicitly.
    secret_fields: ClassVar[tuple[str, ...]] = ()

    node_env: str = Field(
        "development",
        alias="NODE_ENV",
        description="`development` enables dev defaults; anything else is production.",
    )
    data_dir: Path = Field(
        Path(".data"),
        alias="BATON_DATA_DIR",
        description="Directory for SQLite files, keys and other local state.",
    )
    log_level: str = Field(
        "info", alias="BATON_LOG_LEVEL", description="Log level of every service."
    )
    auth0_domain: str = Field(
        "",
        alias="AUTH0_DOMAIN",
        description="Auth0 tenant domain or full issuer URL; empty uses the embedded dev identity provider.",
    )
    auth0_audience: str = Field(
        "urn:todos-api",
        alias="AUTH0_AUDIENCE",
        description="API identifier (audience) of the Todos API.",
    )
    devidp_public_url: str = Field(
        "http://127.0.0.1:8785",
        alias="DEVIDP_PUBLIC_URL",
        description="Public URL of the dev identity provider (the issuer when AUTH0_DOMAIN is empty).",
    )

    @property
    def is_development(self) -> bool:
        return self.node_env.strip().lower() in {"development", "dev", "test"}

    @property
    def issuer(self) -> str:
        """The OIDC issuer, Auth0 style with a trailing slash."""
        domain = self.auth0_domain.strip()
        if not domain:
            return self.devidp_public_url.rstrip("/") + "/"
        if "://" not in domain:
            return f"https://{domain.rstrip('/')}/"
        return domain.rstrip("/") + "/"

    @property
    def uses_dev_idp(self) -> bool:
        return not self.auth0_domain.strip()

    @model_validator(mode="after")
    def _check_production_safety(self) -> BatonSettings:
        issuer = urlsplit(self.issuer)
        if issuer.scheme != "https" and not (self.is_development and is_loopback_url(self.issuer)):
            raise SettingsError(
                f"issuer {self.issuer!r} must be https (http only for loopback in development)"
            )
        if not self.is_development:
            for name in self.secret_fields:
                value: Any = getattr(self, name, None)
                raw = value.get_secret_value() if isinstance(value, SecretStr) else value
                if not raw or str(raw).startswith(DEV_SECRET_PREFIX):
                    alias = type(self).model_fields[name].alias or name.upper()
                    raise SettingsError(f"{alias} must be set outside development")
        return self

    def data_path(self, *parts: str) -> Path:
        path = self.data_dir.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path
