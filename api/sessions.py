"""Server-side login sessions.

The browser's cookie carries only an opaque random id; everything else (the user's
identity, the CSRF token, the tokens from the issuer) lives in a ``SessionStore``.
The SQLite store keeps only a SHA-256 of the id (a copied database yields no live
cookies) and encrypts the tokens with ``TokenCipher``. A Redis store arrives with
the scale-out work behind the same Protocol.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import aiosqlite

from api.crypto import TokenCipher


@dataclass(frozen=True)
class SessionTokens:
    """What the issuer returned at login or at the last refresh."""

    access_token: str
    expires_at: float
    refresh_token: str | None = None
    id_token: str | None = None

    def __repr__(self) -> str:  # never let a token reach a log line through repr()
        return f"SessionTokens(expires_at={self.expires_at!r}, refresh={self.refresh_token is not None})"


@dataclass(frozen=True)
class Session:
    id: str
    subject: str
    name: str
    email: str | None
    csrf_token: str
    tokens: SessionTokens
    created_at: float
    expires_at: float
    """When the session ends unless used again (sliding, capped by the absolute lifetime)."""


class SessionStore(Protocol):
    async def create(
        self, *, subject: str, name: str, email: str | None, tokens: SessionTokens
    ) -> Session:
        """Start a session with a fresh random id and CSRF token."""
        ...

    async def get(self, session_id: str) -> Session | None:
        """The live session for ``session_id`` (extending its idle lifetime), else ``None``."""
        ...

    async def update_tokens(self, session_id: str, tokens: SessionTokens) -> None:
        """Replace the tokens of a live session; a no-op if it has ended meanwhile."""
        ...

    async def delete(self, session_id: str) -> None: ...

    def refresh_lock(self, session_id: str) -> AbstractAsyncContextManager[None]:
        """Held while refreshing: across every process sharing the store, only one
        spends the (possibly rotating) refresh token at a time."""
        ...

    async def close(self) -> None: ...


EXTEND_GRANULARITY = 60.0


def hash_id(session_id: str) -> str:
    """What stores keep instead of the cookie value: a copied store yields no live cookies."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def new_session(
    *, subject: str, name: str, email: str | None, tokens: SessionTokens, now: float, ttl: float
) -> Session:
    return Session(
        id=secrets.token_urlsafe(32),
        subject=subject,
        name=name,
        email=email,
        csrf_token=secrets.token_urlsafe(32),
        tokens=tokens,
        created_at=now,
        expires_at=now + ttl,
    )


def seal_tokens(cipher: TokenCipher, tokens: SessionTokens) -> bytes:
    return cipher.encrypt(
        json.dumps(
            {
                "access_token": tokens.access_token,
                "expires_at": tokens.expires_at,
                "refresh_token": tokens.refresh_token,
                "id_token": tokens.id_token,
            }
        )
    )


def open_tokens(cipher: TokenCipher, sealed: bytes) -> SessionTokens | None:
    """The tokens, or ``None`` if they were tampered with or the secret changed."""
    plain = cipher.decrypt(sealed)
    if plain is None:
        return None
    data = json.loads(plain)
    return SessionTokens(
        access_token=data["access_token"],
        expires_at=float(data["expires_at"]),
        refresh_token=data.get("refresh_token"),
        id_token=data.get("id_token"),
    )


_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    csrf_token TEXT NOT NULL,
    tokens BLOB NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    absolute_expires_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expires_at);
"""


class SqliteSessionStore:
    """Sessions in one SQLite file. Open with ``await SqliteSessionStore.open(...)``."""

    def __init__(
        self,
        db: aiosqlite.Connection,
        cipher: TokenCipher,
        *,
        idle_ttl: float,
        absolute_ttl: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._cipher = cipher
        self._idle_ttl = idle_ttl
        self._absolute_ttl = absolute_ttl
        self._clock = clock

    @classmethod
    async def open(
        cls,
        path: Path,
        cipher: TokenCipher,
        *,
        idle_ttl: float,
        absolute_ttl: float,
        clock: Callable[[], float] = time.time,
    ) -> SqliteSessionStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path)
        await db.execute("PRAGMA journal_mode=WAL")
        await db.executescript(_SCHEMA)
        await db.commit()
        return cls(db, cipher, idle_ttl=idle_ttl, absolute_ttl=absolute_ttl, clock=clock)

    async def create(
        self, *, subject: str, name: str, email: str | None, tokens: SessionTokens
    ) -> Session:
        now = self._clock()
        session = new_session(
            subject=subject,
            name=name,
            email=email,
            tokens=tokens,
            now=now,
            ttl=min(self._idle_ttl, self._absolute_ttl),
        )
        # Old rows are swept at login time so the table stays bounded without a timer.
        await self._db.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
        await self._db.execute(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                hash_id(session.id),
                subject,
                name,
                email,
                session.csrf_token,
                seal_tokens(self._cipher, tokens),
                now,
                session.expires_at,
                now + self._absolute_ttl,
            ),
        )
        await self._db.commit()
        return session

    async def get(self, session_id: str) -> Session | None:
        if not session_id or len(session_id) > 128:
            return None
        key = hash_id(session_id)
        async with self._db.execute(
            "SELECT subject, name, email, csrf_token, tokens, created_at, expires_at,"
            " absolute_expires_at FROM sessions WHERE id_hash = ?",
            (key,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        subject, name, email, csrf, sealed, created_at, expires_at, absolute = row
        now = self._clock()
        tokens = open_tokens(self._cipher, sealed)
        if expires_at <= now or tokens is None:
            await self.delete(session_id)
            return None
        new_expiry = min(now + self._idle_ttl, absolute)
        # Extending the idle lifetime is a write; skip it unless it moves by a minute,
        # so a busy session does not write on every request.
        if new_expiry - expires_at >= EXTEND_GRANULARITY:
            await self._db.execute(
                "UPDATE sessions SET expires_at = ? WHERE id_hash = ?", (new_expiry, key)
            )
            await self._db.commit()
        else:
            new_expiry = expires_at
        return Session(session_id, subject, name, email, csrf, tokens, created_at, new_expiry)

    async def update_tokens(self, session_id: str, tokens: SessionTokens) -> None:
        await self._db.execute(
            "UPDATE sessions SET tokens = ? WHERE id_hash = ?",
            (seal_tokens(self._cipher, tokens), hash_id(session_id)),
        )
        await self._db.commit()

    async def delete(self, session_id: str) -> None:
        await self._db.execute("DELETE FROM sessions WHERE id_hash = ?", (hash_id(session_id),))
        await self._db.commit()

    async def close(self) -> None:
        await self._db.close()

    def refresh_lock(self, session_id: str) -> AbstractAsyncContextManager[None]:
        # One SQLite file means one process: SessionManager's in-process lock suffices.
        return contextlib.nullcontext()


def with_tokens(session: Session, tokens: SessionTokens) -> Session:
    return replace(session, tokens=tokens)


__all__ = [
    "Session",
    "SessionStore",
    "SessionTokens",
    "SqliteSessionStore",
    "hash_id",
    "new_session",
    "open_tokens",
    "seal_tokens",
    "with_tokens",
]
