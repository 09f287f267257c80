"""Health reports whether the store answers; a dead database is a 503, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from tests.support.servers import free_port
from tests.support.todos import RunningTodosApi, running_todos_api


def test_health_is_ok_without_a_token_on_each_store(api_on_each_store: RunningTodosApi) -> None:
    response = httpx.get(f"{api_on_each_store.url}/api/health", timeout=10.0)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "store": "ok"}


def test_an_unreachable_database_makes_health_degraded_and_requests_503(
    tmp_path: Path, issuer_url: str, token_for: Callable[[str], str]
) -> None:
    dead = f"postgresql://postgres:hunter2@127.0.0.1:{free_port()}/test"  # nothing listens
    with running_todos_api(
        tmp_path, issuer_url, DATABASE_URL=dead, DATABASE_POOL_TIMEOUT=0.3
    ) as api:
        health = httpx.get(f"{api.url}/api/health", timeout=10.0)
        todos = httpx.get(
            f"{api.url}/api/todos",
            headers={"Authorization": f"Bearer {token_for('alice')}"},
            timeout=10.0,
        )
    assert health.status_code == 503
    assert health.json() == {"status": "degraded", "store": "unreachable"}
    assert todos.status_code == 503
    assert todos.headers["retry-after"] == "5"
    assert todos.json() == {
        "error": "temporarily_unavailable",
        "error_description": "The database cannot be reached; retry later.",
    }
    assert "hunter2" not in todos.text + health.text
