"""The Cloudflare/Auth0 demo's `.dev.vars` works unchanged for every Baton deployable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from launcher.services import LauncherSettings
from scripts.settings_table import SETTINGS_CLASSES, load

# The mcp-auth0-oidc demo's .dev.vars, as its README has people write it (plus a
# variable Baton does not know, which must simply be ignored).
DEMO_DEV_VARS = """\
AUTH0_DOMAIN=baton-demo.us.auth0.com
AUTH0_CLIENT_ID=AbCdEf0123456789
AUTH0_CLIENT_SECRET=s3cr3t-from-the-auth0-dashboard
AUTH0_AUDIENCE=urn:todos-api
AUTH0_SCOPE=openid email profile offline_access read:todos read:billing
NODE_ENV=development
API_BASE_URL=http://localhost:8789
COOKIE_ENCRYPTION_KEY=something-only-the-worker-used
"""


@pytest.fixture
def demo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".dev.vars").write_text(DEMO_DEV_VARS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_service_reads_the_demo_dev_vars_and_trusts_the_real_tenant(demo_dir: Path) -> None:
    for deployable, path in SETTINGS_CLASSES.items():
        if deployable == "identity provider":
            continue  # not started when AUTH0_DOMAIN names a tenant (checked below)
        settings: Any = load(path)()
        assert settings.issuer == "https://baton-demo.us.auth0.com/", deployable
        assert settings.auth0_audience == "urn:todos-api", deployable


def test_the_mcp_server_takes_its_auth0_application_from_the_demo_dev_vars(demo_dir: Path) -> None:
    from mcp_server.settings import McpServerSettings

    settings = McpServerSettings()
    assert settings.auth0_client_id == "AbCdEf0123456789"
    assert settings.auth0_client_secret.get_secret_value() == "s3cr3t-from-the-auth0-dashboard"
    assert settings.auth0_scope == "openid email profile offline_access read:todos read:billing"
    assert settings.api_base_url == "http://localhost:8789"


def test_make_run_does_not_start_the_dev_provider_against_a_real_tenant(demo_dir: Path) -> None:
    names = [service.module for service in LauncherSettings().services()]
    assert "identity.devidp" not in names
    assert names == ["todos_api", "mcp_server", "api"]
