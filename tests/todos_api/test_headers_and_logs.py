"""What leaves the API besides bodies: response headers and log lines."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest

from tests.support.todos import RunningTodosApi
from tests.todos_api.issuer import LocalIssuer


def test_user_data_is_marked_uncacheable_and_unsniffable(
    api: RunningTodosApi, token_for: Callable[[str], str]
) -> None:
    headers = {"Authorization": f"Bearer {token_for('alice')}"}
    for response in (
        httpx.get(f"{api.url}/api/todos", headers=headers),
        httpx.get(f"{api.url}/api/billing", headers=headers),
        httpx.get(f"{api.url}/api/todos"),
        httpx.post(f"{api.url}/api/todos", headers=headers, content=b"x" * 100_000),
    ):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_a_refused_token_is_logged_by_reason_never_by_value(
    api_trusting_local_issuer: RunningTodosApi,
    local_issuer: LocalIssuer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = local_issuer.mint("alice", expires_in=-3600)
    caplog.set_level(logging.INFO, logger="todos_api")
    response = httpx.get(
        f"{api_trusting_local_issuer.url}/api/todos", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401
    assert "Expired" in caplog.text  # operators learn why; the client did not
    for part in token.split("."):
        assert part not in caplog.text
