"""The dev provider's settings, its refusal to run outside development, and its users."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from identity.devidp.app import create_app
from identity.devidp.clients import registered_clients
from identity.devidp.keys import load_or_create_signing_key
from identity.devidp.settings import DevIdPSettings
from identity.devidp.users import UserDirectory
from tests.support.devidp import devidp_settings, password_token, running_devidp


@pytest.mark.parametrize("node_env", ["production", "staging", "prod"])
def test_the_provider_refuses_to_start_outside_development(node_env: str) -> None:
    with pytest.raises(ValidationError, match="refuses to start"):
        DevIdPSettings(_env_file=None, NODE_ENV=node_env)


def test_the_provider_refuses_even_a_settings_object_built_without_validation(
    tmp_path: Path,
) -> None:
    settings = devidp_settings(tmp_path, 1).model_copy(update={"node_env": "production"})
    with pytest.raises(ValueError, match="refuses to start"):
        create_app(settings)


def test_the_provider_binds_only_to_loopback_unless_allowed() -> None:
    with pytest.raises(ValidationError, match="loopback"):
        DevIdPSettings(_env_file=None, DEVIDP_HOST="0.0.0.0")
    allowed = DevIdPSettings(_env_file=None, DEVIDP_HOST="0.0.0.0", DEVIDP_ALLOW_NON_LOOPBACK=True)
    assert allowed.host == "0.0.0.0"


def test_clients_are_registered_from_settings_with_both_loopback_callbacks() -> None:
    settings = DevIdPSettings(
        _env_file=None,
        MCP_PUBLIC_URL="http://localhost:9001",
        FRONTEND_PUBLIC_URL="http://127.0.0.1:9002/",
        DEVIDP_EXTRA_CALLBACKS="http://127.0.0.1:9003/cb, http://127.0.0.1:9004/cb",
        AUTH0_CLIENT_ID="mcp-app",
    )
    clients = registered_clients(settings)
    assert set(clients) == {"mcp-app", "baton-web", "baton-cli"}
    assert clients["mcp-app"].redirect_uris[:2] == (
        "http://localhost:9001/callback",
        "http://127.0.0.1:9001/callback",
    )
    assert clients["baton-web"].redirect_uris[:2] == (
        "http://127.0.0.1:9002/auth/callback",
        "http://localhost:9002/auth/callback",
    )
    assert clients["baton-cli"].is_public
    assert clients["baton-cli"].check_grant_type("password")
    assert not clients["baton-web"].check_grant_type("password")
    assert all("http://127.0.0.1:9004/cb" in c.redirect_uris for c in clients.values())


def test_devidp_users_replaces_the_demo_users(tmp_path: Path) -> None:
    users = '[{"username": "carol", "password": "pw", "permissions": ["read:billing"]}]'
    with running_devidp(tmp_path, DEVIDP_USERS=users) as idp:
        token = password_token(idp.url, "carol", "pw")
        assert "read:billing" in token["scope"].split()
        assert idp.provider.users.get("alice") is None


def test_demo_users_default_their_password_to_their_username() -> None:
    users = UserDirectory()
    assert users.authenticate("alice", "alice") is not None
    assert users.authenticate("bob", "bob") is not None
    assert users.authenticate("bob", "alice") is None
    alice = users.get("alice")
    assert alice is not None and alice.subject == "auth0|alice"
    assert alice.permissions == {"read:todos", "write:todos", "read:billing"}


def test_the_signing_key_is_created_private_and_then_reused(tmp_path: Path) -> None:
    path = tmp_path / "devidp" / "signing-key.json"
    first = load_or_create_signing_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_or_create_signing_key(path).kid == first.kid
    assert [p.name for p in path.parent.iterdir()] == ["signing-key.json"]
