"""SQLite storage for SSO sessions, authorization codes and refresh tokens.

Kept on disk (``{BATON_DATA_DIR}/devidp/devidp.sqlite``) so that refresh tokens and
sessions survive a restart. Only SHA-256 hashes of codes, tokens and session ids are
stored. Every single-use transition is one conditional ``UPDATE`` whose row count
decides the winner, so two concurrent redemptions cannot both succeed.

Synchronous on purpose: authlib's grant hooks are synchronous and run in a worker
thread (see server.py); each call opens its own short-lived connection.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY, username TEXT NOT NULL, auth_time INTEGER NOT NULL,
    expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS codes (
    code_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL, audience TEXT, username TEXT NOT NULL, nonce TEXT,
    auth_time INTEGER NOT NULL, code_challenge TEXT, code_challenge_method TEXT,
    family_id TEXT NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER);
CREATE TABLE IF NOT EXISTS refresh_tokens (
    token_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, username TEXT NOT NULL,
    scope TEXT NOT NULL, audience TEXT, auth_time INTEGER NOT NULL,
    family_id TEXT NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER,
    revoked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS refresh_family ON refresh_tokens (family_id);
"""


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_family_id() -> str:
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Session:
    username: str
    auth_time: int


@dataclass(frozen=True)
class CodeRecord:
    """An authorization code as authlib's ``AuthorizationCodeMixin`` expects it."""

    client_id: str
    redirect_uri: str
    scope: str
    audience: str | None
    username: str
    nonce: str | None
    auth_time: int
    code_challenge: str | None
    code_challenge_method: str | None
    family_id: str
    code_hash: str = ""

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


@dataclass(frozen=True)
class RefreshRecord:
    """A refresh token as authlib's ``TokenMixin`` expects it."""

    client_id: str
    username: str
    scope: str
    audience: str | None
    auth_time: int
    family_id: str
    token_hash: str = ""
    used_at: int | None = None
    """When it was rotated out (None while unused)."""

    def check_client(self, client: object) -> bool:
        return getattr(client, "client_id", None) == self.client_id

    def get_scope(self) -> str:
        return self.scope


class Storage:
    """The provider's persistent state; ``clock`` (seconds) is a seam for expiry tests."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    def now(self) -> int:
        return int(self.clock())

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    # --- meta -------------------------------------------------------------------
    def secret(self, name: str) -> str:
        """A random server secret, created on first use and kept across restarts."""
        with self._connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                (name, secrets.token_urlsafe(32)),
            )
            row = db.execute("SELECT value FROM meta WHERE key = ?", (name,)).fetchone()
        return str(row[0])

    # --- SSO sessions -------------------------------------------------------------
    def create_session(self, username: str, ttl: int) -> str:
        session_id = secrets.token_urlsafe(32)
        now = self.now()
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?)",
                (digest(session_id), username, now, now + ttl),
            )
        return session_id

    def get_session(self, session_id: str) -> Session | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT username, auth_time FROM sessions WHERE id_hash = ? AND expires_at > ?",
                (digest(session_id), self.now()),
            ).fetchone()
        return Session(row[0], int(row[1])) if row else None

    def delete_session(self, session_id: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE id_hash = ?", (digest(session_id),))

    # --- authorization codes --------------------------------------------------------
    def save_code(self, code: str, record: CodeRecord, ttl: int) -> None:
        now = self.now()
        with self._connect() as db:
            # Keep used codes a day so a replay is recognised as one (and revokes).
            db.execute("DELETE FROM codes WHERE expires_at <= ?", (now - 86400,))
            db.execute(
                "INSERT INTO codes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                (
                    digest(code),
                    record.client_id,
                    record.redirect_uri,
                    record.scope,
                    record.audience,
                    record.username,
                    record.nonce,
                    record.auth_time,
                    record.code_challenge,
                    record.code_challenge_method,
                    record.family_id,
                    now + ttl,
                ),
            )

    def find_code(self, code: str) -> tuple[CodeRecord, bool] | None:
        """The code and whether it is still redeemable (unused and unexpired)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT client_id, redirect_uri, scope, audience, username, nonce, auth_time,"
                " code_challenge, code_challenge_method, family_id, code_hash, expires_at,"
                " used_at FROM codes WHERE code_hash = ?",
                (digest(code),),
            ).fetchone()
        if row is None:
            return None
        record = CodeRecord(*row[:11])
        return record, row[12] is None and row[11] > self.now()

    def consume_code(self, record: CodeRecord) -> bool:
        """Mark the code used; False when it was already used or has expired."""
        now = self.now()
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL"
                " AND expires_at > ?",
                (now, record.code_hash, now),
            )
        return cursor.rowcount == 1

    # --- refresh tokens ---------------------------------------------------------------
    def save_refresh_token(self, token: str, record: RefreshRecord, ttl: int) -> None:
        now = self.now()
        with self._connect() as db:
            db.execute("DELETE FROM refresh_tokens WHERE expires_at <= ?", (now,))
            db.execute(
                "INSERT INTO refresh_tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 0)",
                (
                    digest(token),
                    record.client_id,
                    record.username,
                    record.scope,
                    record.audience,
                    record.auth_time,
                    record.family_id,
                    now + ttl,
                ),
            )

    def find_refresh_token(self, token: str) -> tuple[RefreshRecord, bool] | None:
        """The token and whether it is still usable (unused, unrevoked, unexpired)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT client_id, username, scope, audience, auth_time, family_id, token_hash,"
                " expires_at, used_at, revoked FROM refresh_tokens WHERE token_hash = ?",
                (digest(token),),
            ).fetchone()
        if row is None:
            return None
        record = RefreshRecord(
            client_id=row[0],
            username=row[1],
            scope=row[2],
            audience=row[3],
            auth_time=row[4],
            family_id=row[5],
            token_hash=row[6],
            used_at=row[8],
        )
        return record, row[8] is None and not row[9] and row[7] > self.now()

    def consume_refresh_token(self, record: RefreshRecord) -> bool:
        now = self.now()
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
                " AND revoked = 0 AND expires_at > ?",
                (now, record.token_hash, now),
            )
        return cursor.rowcount == 1

    def revoke_family(self, family_id: str) -> None:
        """Revoke every refresh token descended from one login (reuse detection)."""
        with self._connect() as db:
            db.execute("UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?", (family_id,))


__all__ = ["CodeRecord", "RefreshRecord", "Session", "Storage", "digest", "new_family_id"]
