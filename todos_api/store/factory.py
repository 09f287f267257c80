"""Chooses the store for a deployment from its settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from todos_api.settings import TodosApiSettings
from todos_api.store.base import TodoStore


@asynccontextmanager
async def open_store(settings: TodosApiSettings) -> AsyncIterator[TodoStore]:
    """The PostgreSQL store when ``DATABASE_URL`` is set, else the SQLite file."""
    if settings.uses_postgres:
        from todos_api.store.postgres import PostgresTodoStore

        async with PostgresTodoStore.open(
            settings.database_url.get_secret_value(),
            wait_seconds=settings.database_pool_timeout,
        ) as pg:
            yield pg
    else:
        from todos_api.store.sqlite import SqliteTodoStore

        async with SqliteTodoStore.open(settings.sqlite_path()) as lite:
            yield lite


__all__ = ["open_store"]
