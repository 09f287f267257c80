"""Fixtures: real tokens from the dev identity provider, and the API on each store.

The main scenarios use tokens from ``identity.devidp`` obtained with the password
grant, exactly as ``make token`` does. Only tokens the provider would never issue
(expired, signed with another key, carrying extra profile claims) come from the
local test issuer, through ``api_trusting_local_issuer``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from identity.devidp.users import DEMO_USERS
from tests.support.devidp import RunningDevIdP, password_token, running_devidp
from tests.support.todos import RunningTodosApi, running_todos_api
from tests.todos_api.issuer import LocalIssuer, running_local_issuer
from tests.todos_api.postgres import postgres_schema_url
from tests.todos_api.users import EXTRA_USERS, OTHER_AUDIENCE


@pytest.fixture(scope="session")
def devidp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDevIdP]:
    """One dev identity provider for the session with the demo users plus a few more."""
    users = [spec.model_dump() for spec in DEMO_USERS] + EXTRA_USERS
    with running_devidp(
        tmp_path_factory.mktemp("devidp"),
        DEVIDP_USERS=json.dumps(users),
        DEVIDP_EXTRA_AUDIENCES=OTHER_AUDIENCE,
    ) as idp:
        yield idp


@pytest.fixture
def token_for(devidp: RunningDevIdP) -> Callable[[str], str]:
    """``token_for("alice")``: a fresh access token for the Todos API from the dev provider."""

    def issue(username: str) -> str:
        token: str = password_token(devidp.url, username)["access_token"]
        return token

    return issue


@pytest.fixture
def issuer_url(devidp: RunningDevIdP) -> str:
    return devidp.issuer


@pytest.fixture(scope="session")
def local_issuer() -> Iterator[LocalIssuer]:
    """One forging issuer for the session: it is stateless, and its RSA key is slow to make."""
    with running_local_issuer() as issuer:
        yield issuer


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
    """The API on SQLite, trusting the dev provider."""
    with running_todos_api(tmp_path, issuer_url) as running:
        yield running


@pytest.fixture
def api_on_each_store(
    tmp_path: Path, issuer_url: str, store_overrides: dict[str, str]
) -> Iterator[RunningTodosApi]:
    """The API on SQLite, then on PostgreSQL (the behaviour suite runs on both)."""
    with running_todos_api(tmp_path, issuer_url, **store_overrides) as running:
        yield running


@pytest.fixture
def api_trusting_local_issuer(
    tmp_path: Path, local_issuer: LocalIssuer
) -> Iterator[RunningTodosApi]:
    """The API on SQLite, trusting the forging issuer instead of the dev provider."""
    with running_todos_api(tmp_path, local_issuer.issuer) as running:
        yield running
