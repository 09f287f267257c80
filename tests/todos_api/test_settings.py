"""TodosApiSettings: store selection, defaults, and no secret in error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from todos_api.settings import TodosApiSettings


def _settings(tmp_path: Path, **values: Any) -> TodosApiSettings:
    return TodosApiSettings(_env_file=None, BATON_DATA_DIR=str(tmp_path), **values)


def test_defaults_listen_on_loopback_8789_with_sqlite_in_the_data_directory(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)
    assert (settings.host, settings.port) == ("127.0.0.1", 8789)
    assert not settings.uses_postgres
    assert settings.sqlite_path() == tmp_path / "todos.sqlite"
    assert settings.issuer == "http://127.0.0.1:8785/"
    assert settings.auth0_audience == "urn:todos-api"


@pytest.mark.parametrize("url", ["postgresql://u:p@db:5432/baton", "postgres://db/baton"])
def test_a_postgres_url_selects_the_postgres_store(tmp_path: Path, url: str) -> None:
    settings = _settings(tmp_path, DATABASE_URL=url)
    assert settings.uses_postgres
    assert settings.database_url.get_secret_value() == url
    assert "p@db" not in repr(settings)


def test_another_database_scheme_is_refused_without_echoing_the_url(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        _settings(tmp_path, DATABASE_URL="mysql://root:s3cret@db/baton")
    assert "DATABASE_URL must be empty (SQLite) or a postgresql:// URL" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_an_auth0_domain_becomes_the_trusted_issuer(tmp_path: Path) -> None:
    settings = _settings(tmp_path, AUTH0_DOMAIN="tenant.eu.auth0.com", AUTH0_AUDIENCE="urn:x")
    assert settings.issuer == "https://tenant.eu.auth0.com/"
    assert settings.auth0_audience == "urn:x"
