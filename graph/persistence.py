"""The checkpointer: SQLite in the data directory by default, PostgreSQL when configured."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from langgraph.checkpoint.base import BaseCheckpointSaver

from graph.settings import GraphSettings

SQLITE_FILE = "checkpoints.sqlite"


@asynccontextmanager
async def open_checkpointer(settings: GraphSettings) -> AsyncIterator[BaseCheckpointSaver]:
    """``AsyncPostgresSaver`` for a ``postgres://`` ``BATON_CHECKPOINT_URL``, else
    ``AsyncSqliteSaver`` on ``{BATON_DATA_DIR}/checkpoints.sqlite``. Tables are created
    on entry; the connection closes on exit."""
    url = settings.checkpoint_url.strip()
    if url.startswith(("postgres://", "postgresql://")):
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        async with AsyncPostgresSaver.from_conn_string(url) as saver:
            await saver.setup()
            yield saver
        return
    if url:
        raise ValueError("BATON_CHECKPOINT_URL must be a postgres:// URL (or empty for SQLite)")
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    path = settings.data_path(SQLITE_FILE)
    async with AsyncSqliteSaver.from_conn_string(str(path)) as saver:
        await saver.setup()
        yield saver
