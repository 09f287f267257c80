"""SQLite implementation of ``GrantStore`` (the embedded default, one file in the data dir).

Single-use operations are one conditional ``UPDATE ... WHERE <still unused>`` whose
row count says who won, so two processes sharing the file cannot both consume a
code or rotate the same refresh token.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import Any

import aiosqlite

from mcp_server.grants.store import (
    AuthorizationCodeRecord,
    ClientRecord,
    Grant,
    GrantKind,
    PendingAuthorization,
    PendingStage,
    TokenRecord,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (
    client_id TEXT PRIMARY KEY, metadata TEXT NOT NULL, secret_hash TEXT,
    source TEXT NOT NULL, created_at REAL NOT NULL, last_used_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS pending (
    id_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, redirect_uri TEXT NOT NULL,
    redirect_uri_explicit INTEGER NOT NULL, code_challenge TEXT NOT NULL, state TEXT,
    scopes TEXT, resource TEXT NOT NULL, created_at REAL NOT NULL, expires_at REAL NOT NULL,
    stage TEXT NOT NULL, csrf_hash TEXT, browser_hash TEXT, upstream_state_hash TEXT UNIQUE,
    nonce TEXT, upstream_verifier_enc TEXT);
CREATE TABLE IF NOT EXISTS codes (
    code_hash TEXT PRIMARY KEY, grant_id TEXT NOT NULL, client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL, redirect_uri_explicit INTEGER NOT NULL,
    code_challenge TEXT NOT NULL, scopes TEXT NOT NULL, resource TEXT NOT NULL,
    expires_at REAL NOT NULL, used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS grants (
    id TEXT PRIMARY KEY, subject TEXT NOT NULL, client_id TEXT NOT NULL, kind TEXT NOT NULL,
    scopes TEXT NOT NULL, claims TEXT NOT NULL, upstream_access_enc TEXT NOT NULL,
    upstream_refresh_enc TEXT, upstream_expires_at REAL NOT NULL, version INTEGER NOT NULL,
    created_at REAL NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, refresh_lease_until REAL);
CREATE INDEX IF NOT EXISTS grants_by_user ON grants (subject, client_id, kind, revoked);
CREATE INDEX IF NOT EXISTS grants_by_client ON grants (client_id, revoked);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, grant_id TEXT NOT NULL,
    client_id TEXT NOT NULL, scopes TEXT NOT NULL, resource TEXT NOT NULL,
    expires_at REAL NOT NULL, issued_at REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0, revoked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS tokens_by_grant ON tokens (grant_id);
"""

_JSON_FIELDS = {"metadata", "scopes", "claims"}
_BOOL_FIELDS = {"redirect_uri_explicit", "used", "revoked"}
_PENDING_FIELDS = {f.name for f in dataclasses.fields(PendingAuthorization)}


def _encode(value: Any, name: str) -> Any:
    if name in _JSON_FIELDS and value is not None:
        return json.dumps(value)
    if name in _BOOL_FIELDS:
        return int(bool(value))
    return value


def _row(cls: type[Any], row: aiosqlite.Row | None) -> Any:
    if row is None:
        return None
    values = {}
    for key in row.keys():  # noqa: SIM118 (sqlite3.Row is not a mapping)
        value = row[key]
        if key in _JSON_FIELDS and value is not None:
            value = json.loads(value)
        elif key in _BOOL_FIELDS:
            value = bool(value)
        values[key] = value
    return cls(**values)


class SqliteGrantStore:
    """``GrantStore`` on one SQLite file (WAL mode, so readers never block the writer)."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._db: aiosqlite.Connection | None = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("SqliteGrantStore.initialize() was not awaited")
        return self._db

    async def initialize(self) -> None:
        Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: autocommit, so each conditional UPDATE is its own atomic step.
        self._db = await aiosqlite.connect(self._path, isolation_level=None)
        self._db.row_factory = aiosqlite.Row
        await self._db.execute("PRAGMA journal_mode=WAL")
        await self._db.execute("PRAGMA busy_timeout=5000")
        await self._db.executescript(SCHEMA)
        await self._migrate()

    async def _migrate(self) -> None:
        async with self.db.execute("PRAGMA table_info(grants)") as cursor:
            columns = {row[1] for row in await cursor.fetchall()}
        if "refresh_lease_until" not in columns:  # files from before refresh leases existed
            await self.db.execute("ALTER TABLE grants ADD COLUMN refresh_lease_until REAL")

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def _insert(self, table: str, record: Any, *, replace: bool = False) -> None:
        data = {k: _encode(v, k) for k, v in dataclasses.asdict(record).items()}
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        columns = ", ".join(data)
        marks = ", ".join("?" for _ in data)
        await self.db.execute(
            f"{verb} INTO {table} ({columns}) VALUES ({marks})",
            tuple(data.values()),
        )

    async def _one(self, sql: str, *args: Any) -> aiosqlite.Row | None:
        async with self.db.execute(sql, args) as cursor:
            return await cursor.fetchone()

    async def _update(self, sql: str, *args: Any) -> int:
        async with self.db.execute(sql, args) as cursor:
            return cursor.rowcount

    # clients
    async def get_client(self, client_id: str) -> ClientRecord | None:
        row = await self._one("SELECT * FROM clients WHERE client_id = ?", client_id)
        return _row(ClientRecord, row)  # type: ignore[no-any-return]

    async def save_client(self, client: ClientRecord) -> None:
        await self._insert("clients", client, replace=True)

    async def touch_client(self, client_id: str, now: float) -> None:
        await self._update(
            "UPDATE clients SET last_used_at = ? WHERE client_id = ? AND last_used_at < ?",
            now,
            client_id,
            now,
        )

    async def purge_idle_clients(self, unused_since: float) -> int:
        return await self._update(
            "DELETE FROM clients WHERE source = 'dcr' AND last_used_at < ? AND NOT EXISTS "
            "(SELECT 1 FROM grants g WHERE g.client_id = clients.client_id AND g.revoked = 0)",
            unused_since,
        )

    # pending authorizations
    async def save_pending(self, pending: PendingAuthorization) -> None:
        await self._insert("pending", pending)

    async def get_pending(self, id_hash: str) -> PendingAuthorization | None:
        row = await self._one("SELECT * FROM pending WHERE id_hash = ?", id_hash)
        return _row(PendingAuthorization, row)  # type: ignore[no-any-return]

    async def get_pending_by_state(self, upstream_state_hash: str) -> PendingAuthorization | None:
        row = await self._one(
            "SELECT * FROM pending WHERE upstream_state_hash = ?", upstream_state_hash
        )
        return _row(PendingAuthorization, row)  # type: ignore[no-any-return]

    async def advance_pending(
        self, id_hash: str, from_stage: PendingStage, to_stage: PendingStage, **fields: Any
    ) -> bool:
        return await self.update_pending(id_hash, from_stage, stage=to_stage, **fields)

    async def update_pending(self, id_hash: str, from_stage: PendingStage, **fields: Any) -> bool:
        unknown = set(fields) - _PENDING_FIELDS
        if unknown:
            raise ValueError(f"unknown pending fields: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = ?" for name in fields) or "stage = stage"
        values = [_encode(v, k) for k, v in fields.items()]
        changed = await self._update(
            f"UPDATE pending SET {assignments} WHERE id_hash = ? AND stage = ? AND expires_at > ?",  # noqa: S608
            *values,
            id_hash,
            from_stage,
            time.time(),
        )
        return changed == 1

    async def delete_pending(self, id_hash: str) -> None:
        await self._update(
            "DELETE FROM pending WHERE id_hash = ? OR expires_at < ?", id_hash, time.time() - 3600
        )

    # authorization codes
    async def save_code(self, code: AuthorizationCodeRecord) -> None:
        await self._insert("codes", code)

    async def get_code(self, code_hash: str) -> AuthorizationCodeRecord | None:
        row = await self._one("SELECT * FROM codes WHERE code_hash = ?", code_hash)
        return _row(AuthorizationCodeRecord, row)  # type: ignore[no-any-return]

    async def consume_code(self, code_hash: str) -> bool:
        changed = await self._update(
            "UPDATE codes SET used = 1 WHERE code_hash = ? AND used = 0 AND expires_at > ?",
            code_hash,
            time.time(),
        )
        return changed == 1

    # grants
    async def save_grant(self, grant: Grant) -> None:
        await self._insert("grants", grant)

    async def get_grant(self, grant_id: str) -> Grant | None:
        row = await self._one("SELECT * FROM grants WHERE id = ?", grant_id)
        return _row(Grant, row)  # type: ignore[no-any-return]

    async def find_live_grant(self, subject: str, client_id: str, kind: GrantKind) -> Grant | None:
        row = await self._one(
            "SELECT * FROM grants WHERE subject = ? AND client_id = ? AND kind = ? AND revoked = 0 "
            "ORDER BY created_at DESC LIMIT 1",
            subject,
            client_id,
            kind,
        )
        return _row(Grant, row)  # type: ignore[no-any-return]

    async def replace_upstream(
        self,
        grant_id: str,
        expected_version: int,
        *,
        access_enc: str,
        refresh_enc: str | None,
        expires_at: float,
        scopes: list[str] | None = None,
        claims: dict[str, Any] | None = None,
    ) -> bool:
        changed = await self._update(
            "UPDATE grants SET upstream_access_enc = ?, upstream_refresh_enc = ?, "
            "upstream_expires_at = ?, scopes = COALESCE(?, scopes), claims = COALESCE(?, claims), "
            "version = version + 1, refresh_lease_until = NULL "
            "WHERE id = ? AND version = ? AND revoked = 0",
            access_enc,
            refresh_enc,
            expires_at,
            _encode(scopes, "scopes"),
            _encode(claims, "claims"),
            grant_id,
            expected_version,
        )
        return changed == 1

    async def claim_refresh(
        self, grant_id: str, expected_version: int, lease_until: float, now: float
    ) -> bool:
        changed = await self._update(
            "UPDATE grants SET refresh_lease_until = ? WHERE id = ? AND version = ? AND revoked = 0 "
            "AND (refresh_lease_until IS NULL OR refresh_lease_until < ?)",
            lease_until,
            grant_id,
            expected_version,
            now,
        )
        return changed == 1

    async def release_refresh(self, grant_id: str, expected_version: int) -> None:
        await self._update(
            "UPDATE grants SET refresh_lease_until = NULL WHERE id = ? AND version = ?",
            grant_id,
            expected_version,
        )

    async def revoke_grant(self, grant_id: str) -> None:
        # The grant first: every token lookup checks it, so the family is dead from this
        # statement on; marking the rows too keeps the tables honest. Separate autocommit
        # statements, since a transaction on the shared connection could swallow other
        # coroutines' statements.
        await self._update("UPDATE grants SET revoked = 1 WHERE id = ?", grant_id)
        await self._update("UPDATE tokens SET revoked = 1 WHERE grant_id = ?", grant_id)
        await self._update("UPDATE codes SET used = 1 WHERE grant_id = ?", grant_id)

    # Baton's tokens
    async def save_tokens(self, *tokens: TokenRecord) -> None:
        for token in tokens:
            await self._insert("tokens", token)

    async def get_token(self, token_hash: str) -> TokenRecord | None:
        row = await self._one("SELECT * FROM tokens WHERE token_hash = ?", token_hash)
        return _row(TokenRecord, row)  # type: ignore[no-any-return]

    async def use_refresh_token(self, token_hash: str) -> bool:
        changed = await self._update(
            "UPDATE tokens SET used = 1 WHERE token_hash = ? AND kind = 'refresh' "
            "AND used = 0 AND revoked = 0 AND expires_at > ?",
            token_hash,
            time.time(),
        )
        return changed == 1

    async def revoke_token(self, token_hash: str) -> None:
        await self._update("UPDATE tokens SET revoked = 1 WHERE token_hash = ?", token_hash)
