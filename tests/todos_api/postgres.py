"""Throwaway PostgreSQL schemas in the local server for the store tests.

The machine runs PostgreSQL on 127.0.0.1:5432 (trust auth), so a failure to connect
fails the test instead of skipping it. ``BATON_TEST_POSTGRES_URL`` points elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import psycopg
import pytest

CANDIDATES = (
    "postgresql://postgres@127.0.0.1:5432/test",
    "postgresql://root@127.0.0.1:5432/test",
)


def admin_url() -> str:
    """The first URL of the local server that accepts a connection; fails the test if none."""
    configured = os.environ.get("BATON_TEST_POSTGRES_URL")
    candidates = (configured,) if configured else CANDIDATES
    problems = []
    for url in candidates:
        try:
            with psycopg.connect(url, connect_timeout=5) as conn:
                conn.execute("SELECT 1")
            return url
        except psycopg.Error as exc:
            problems.append(f"{url}: {type(exc).__name__}: {exc}")
    pytest.fail("PostgreSQL is unreachable (it must run on this machine):\n" + "\n".join(problems))


@contextlib.contextmanager
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections use a new, empty schema; the schema is dropped afterwards."""
    base = admin_url()
    schema = f"baton_todos_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{base}?options={quote(f'-c search_path={schema}')}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
