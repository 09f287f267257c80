"""McpServerSettings: development defaults, production refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from mcp_server.settings import McpServerSettings

PRODUCTION: dict[str, Any] = {
    "NODE_ENV": "production",
    "AUTH0_DOMAIN": "tenant.example.auth0.com",
    "MCP_PUBLIC_URL": "https://mcp.example.com",
    "AUTH0_CLIENT_SECRET": "real-secret",
    "GRAPH_CLIENT_SECRET": "real-graph-secret",
    "MCP_ENCRYPTION_KEY": Fernet.generate_key().decode(),
}


def test_development_defaults_need_nothing(tmp_path: Path) -> None:
    settings = McpServerSettings(_env_file=None, BATON_DATA_DIR=str(tmp_path))

    assert settings.public_url == "http://127.0.0.1:8788"
    assert settings.trusted_azp_list == ["baton-web", "baton-cli"]
    assert settings.grants_path == str(tmp_path / "mcp" / "grants.sqlite")


def test_production_settings_with_real_secrets_are_accepted() -> None:
    settings = McpServerSettings(_env_file=None, **PRODUCTION)

    assert settings.issuer == "https://tenant.example.auth0.com/"


@pytest.mark.parametrize(
    "missing", ["AUTH0_CLIENT_SECRET", "GRAPH_CLIENT_SECRET", "MCP_ENCRYPTION_KEY"]
)
def test_production_refuses_default_or_missing_secrets(missing: str) -> None:
    values: dict[str, Any] = {k: v for k, v in PRODUCTION.items() if k != missing}

    with pytest.raises(ValueError, match=missing):
        McpServerSettings(_env_file=None, **values)


def test_production_refuses_a_plain_http_public_url() -> None:
    with pytest.raises(ValueError, match="MCP_PUBLIC_URL"):
        McpServerSettings(
            _env_file=None, **{**PRODUCTION, "MCP_PUBLIC_URL": "http://mcp.example.com"}
        )


def test_the_public_url_loses_its_trailing_slash() -> None:
    settings = McpServerSettings(_env_file=None, MCP_PUBLIC_URL="http://localhost:9000/")

    assert settings.public_url == "http://localhost:9000"
