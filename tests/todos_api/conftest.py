"""Fixtures: a token issuer, users' tokens, and the API on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.todos import RunningTodosApi, running_todos_api
from tests.todos_api.issuer import LocalIssuer, running_local_issuer
from tests.todos_api.postgres import postgres_schema_url


@pytest.fixture(scope="session")
def local_issuer() -> Iterator[LocalIssuer]:
    """One issuer for the session: it is stateless, and its RSA key is slow to make."""
    with running_local_issuer() as issuer:
        yield issuer


@pytest.fixture
def token_for(local_issuer: LocalIssuer) -> Callable[[str], str]:
    """``token_for("alice")``: a fresh access token for a dev user."""
    return local_issuer.mint


@pytest.fixture
def issuer_url(local_issuer: LocalIssuer) -> str:
    return local_issuer.issuer


@pytest.fixture(params=["sqlite", "postgres"])
def store_overrides(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Settings selecting each store in turn; PostgreSQL gets a throwaway schema."""
    if request.param == "sqlite":
        yield {"DATABASE_URL": ""}
    else:
        with postgres_schema_url() as url:
            yield {"DATABASE_URL": url}


@pytest.fixture
def api(tmp_path: Path, issuer_url: str) -> Iterator[RunningTodosApi]:
    """The API on SQLite, trusting the test issuer."""
    with running_todos_api(tmp_path, issuer_url) as running:
        yield running


@pytest.fixture
def api_on_each_store(
    tmp_path: Path, issuer_url: str, store_overrides: dict[str, str]
) -> Iterator[RunningTodosApi]:
    """The API on SQLite, then on PostgreSQL (the behaviour suite runs on both)."""
    with running_todos_api(tmp_path, issuer_url, **store_overrides) as running:
        yield running
