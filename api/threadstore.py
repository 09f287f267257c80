"""Which user owns which chat thread (the messages themselves live in the graph's checkpoints).

Lookups always take the owner: a thread of another user is indistinguishable from
a missing one, so routes answer 404 for both and ids never leak.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import aiosqlite

TITLE_CHARS = 80


@dataclass(frozen=True)
class ThreadRecord:
    id: str
    owner: str
    title: str
    created_at: float
    updated_at: float


class ThreadStore(Protocol):
    async def create(self, *, owner: str, first_message: str) -> ThreadRecord:
        """A new thread with a server-generated id (uuid4), titled from the first message."""
        ...

    async def get(self, thread_id: str, *, owner: str) -> ThreadRecord | None: ...

    async def list(self, *, owner: str, limit: int = 100) -> list[ThreadRecord]:
        """The owner's threads, most recently updated first."""
        ...

    async def touch(self, thread_id: str) -> None: ...

    async def delete(self, thread_id: str, *, owner: str) -> bool:
        """Delete the owner's thread; ``False`` if there was none."""
        ...

    async def close(self) -> None: ...


def title_from(message: str) -> str:
    line = " ".join(message.split())
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1].rstrip() + "…"


def is_thread_id(value: str) -> bool:
    """Only canonical uuid4 strings can name a thread; anything else is unknown."""
    try:
        parsed = uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return parsed.version == 4 and str(parsed) == value


_SCHEMA = """
CREATE TABLE IF NOT EXISTS threads (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS threads_owner ON threads (owner, updated_at DESC);
"""


class SqliteThreadStore:
    def __init__(self, db: aiosqlite.Connection, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    @classmethod
    async def open(cls, path: Path, clock: Callable[[], float] = time.time) -> SqliteThreadStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path)
        await db.execute("PRAGMA journal_mode=WAL")
        await db.executescript(_SCHEMA)
        await db.commit()
        return cls(db, clock)

    async def create(self, *, owner: str, first_message: str) -> ThreadRecord:
        now = self._clock()
        record = ThreadRecord(str(uuid.uuid4()), owner, title_from(first_message), now, now)
        await self._db.execute(
            "INSERT INTO threads VALUES (?, ?, ?, ?, ?)",
            (record.id, owner, record.title, now, now),
        )
        await self._db.commit()
        return record

    async def get(self, thread_id: str, *, owner: str) -> ThreadRecord | None:
        if not is_thread_id(thread_id):
            return None
        async with self._db.execute(
            "SELECT id, owner, title, created_at, updated_at FROM threads"
            " WHERE id = ? AND owner = ?",
            (thread_id, owner),
        ) as cursor:
            row = await cursor.fetchone()
        return ThreadRecord(*row) if row else None

    async def list(self, *, owner: str, limit: int = 100) -> list[ThreadRecord]:
        async with self._db.execute(
            "SELECT id, owner, title, created_at, updated_at FROM threads"
            " WHERE owner = ? ORDER BY updated_at DESC LIMIT ?",
            (owner, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [ThreadRecord(*row) for row in rows]

    async def touch(self, thread_id: str) -> None:
        await self._db.execute(
            "UPDATE threads SET updated_at = ? WHERE id = ?", (self._clock(), thread_id)
        )
        await self._db.commit()

    async def delete(self, thread_id: str, *, owner: str) -> bool:
        if not is_thread_id(thread_id):
            return False
        cursor = await self._db.execute(
            "DELETE FROM threads WHERE id = ? AND owner = ?", (thread_id, owner)
        )
        await self._db.commit()
        return cursor.rowcount > 0

    async def close(self) -> None:
        await self._db.close()


__all__ = ["SqliteThreadStore", "ThreadRecord", "ThreadStore", "is_thread_id", "title_from"]
