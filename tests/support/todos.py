"""Run the Todos API for a test: real uvicorn on a free 127.0.0.1 port.

    with running_todos_api(tmp_path, idp.issuer) as api:
        httpx.get(f"{api.url}/api/todos", headers={"Authorization": f"Bearer {token}"})

Data lives under ``tmp_path / "todos_api"`` (SQLite) unless ``DATABASE_URL=`` is
passed; starting again with the same ``tmp_path`` finds the same data.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.servers import free_port, serve
from todos_api.app import create_app
from todos_api.settings import TodosApiSettings


@dataclass(frozen=True)
class RunningTodosApi:
    url: str  # base URL without a trailing slash; routes are under /api
    settings: TodosApiSettings


def todos_api_settings(tmp_path: Path, issuer: str, **overrides: Any) -> TodosApiSettings:
    """Settings trusting ``issuer``; ``overrides`` use setting names (``DATABASE_URL=...``)."""
    values: dict[str, Any] = {
        "NODE_ENV": "development",
        "BATON_DATA_DIR": str(tmp_path / "todos_api"),
        "AUTH0_DOMAIN": issuer,
        "DATABASE_URL": "",
        "TODOS_API_HOST": "127.0.0.1",
        "TODOS_API_PORT": free_port(),
        **overrides,
    }
    return TodosApiSettings(_env_file=None, **values)


@contextlib.contextmanager
def running_todos_api(tmp_path: Path, issuer: str, **overrides: Any) -> Iterator[RunningTodosApi]:
    """The API served over HTTP until the block ends; see ``todos_api_settings``."""
    settings = todos_api_settings(tmp_path, issuer, **overrides)
    with serve(create_app(settings), port=settings.port) as server:
        yield RunningTodosApi(url=server.url, settings=settings)


__all__ = ["RunningTodosApi", "running_todos_api", "todos_api_settings"]
