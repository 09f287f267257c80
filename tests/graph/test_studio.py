"""``python -m graph.studio`` and the LangGraph server's auth handler, without starting the server."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
from langgraph_sdk import Auth

from graph.studio import PortTaken, check_port_free, studio_command, studio_env
from graph.studio_auth import StudioAuthenticator
from graph.vault import InMemoryVault
from identity.verify import TokenVerifier
from tests.support.devidp import password_token, running_devidp


def test_a_taken_studio_port_fails_clearly_naming_the_setting() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortTaken, match=f"STUDIO_PORT {port}"):
            check_port_free("127.0.0.1", port)


def test_langgraph_dev_runs_offline_on_the_asked_port_without_a_browser() -> None:
    command = studio_command(2999)
    assert command[1:] == [
        "dev",
        "--config",
        command[3],
        "--no-browser",
        "--no-reload",
        "--host",
        "127.0.0.1",
        "--port",
        "2999",
    ]
    assert command[3].endswith("langgraph.json")
    env = studio_env({"PATH": "/usr/bin"})
    assert env["LANGGRAPH_CLI_NO_ANALYTICS"] == "1"
    assert env["LANGGRAPH_NO_VERSION_CHECK"] == "true"
    assert env["LANGSMITH_TRACING"] == "false"
    assert "LANGSMITH_TRACING" not in studio_env({"LANGSMITH_API_KEY": "lsv2-configured"})


async def test_the_auth_handler_returns_a_handle_for_the_token_and_never_the_token(
    tmp_path: Path,
) -> None:
    with running_devidp(tmp_path) as idp:
        token = password_token(idp.url, "alice")["access_token"]
        vault = InMemoryVault()
        async with httpx.AsyncClient() as http:
            authenticator = StudioAuthenticator(
                TokenVerifier(idp.issuer, "urn:todos-api", http), vault
            )
            user = await authenticator.user_for(f"Bearer {token}")
            again = await authenticator.user_for(f"Bearer {token}")
            with pytest.raises(Auth.exceptions.HTTPException) as missing:
                await authenticator.user_for(None)
            with pytest.raises(Auth.exceptions.HTTPException) as forged:
                await authenticator.user_for(f"Bearer {token[:-4]}AAAA")

    assert user["identity"] == "auth0|alice"
    assert token not in repr(user)
    assert vault.get(user["credential_handle"], subject="auth0|alice") == token
    assert vault.get(user["credential_handle"], subject="auth0|bob") is None
    assert again["credential_handle"] == user["credential_handle"]
    assert missing.value.status_code == 401 and forged.value.status_code == 401
    assert token[:20] not in str(forged.value.detail)
