"""Redis implementation of ``GrantStore`` (``REDIS_URL``), for several replicas.

Each record is a hash whose fields hold JSON values. Every single-use operation
(consuming a code, rotating a refresh token, moving a pending authorization on,
replacing upstream tokens, taking the refresh lease) is one Lua script that checks
and writes in one step, so replicas cannot both win. Short-lived records expire by
themselves (``PEXPIREAT``); refresh tokens are kept until they expire so reuse of a
rotated one is still recognised. Keys are derived inside scripts, so this targets a
single Redis (or a primary with replicas), not Redis Cluster.
"""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

from redis.asyncio import Redis

from mcp_server.grants.store import (
    AuthorizationCodeRecord,
    ClientRecord,
    Grant,
    GrantKind,
    PendingAuthorization,
    PendingStage,
    TokenRecord,
)

KEEP_AFTER_EXPIRY_MS = 3600 * 1000  # codes and pending requests: long enough to spot replays

# KEYS[1] record; ARGV[1] JSON [[field, op, json]...] (op: eq, gt, free); ARGV[2] JSON
# {field: json} to write; ARGV[3] "1" to bump version. Returns 1 if the conditions held.
CONDITIONAL_UPDATE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for _, c in ipairs(cjson.decode(ARGV[1])) do
  local v = redis.call('HGET', KEYS[1], c[1])
  local op, want = c[2], c[3]
  if op == 'eq' then
    if v ~= want then return 0 end
  elseif op == 'gt' then
    if (not v) or v == 'null' or tonumber(v) <= tonumber(want) then return 0 end
  elseif op == 'free' then
    if v and v ~= 'null' and tonumber(v) >= tonumber(want) then return 0 end
  end
end
for k, v in pairs(cjson.decode(ARGV[2])) do redis.call('HSET', KEYS[1], k, v) end
if ARGV[3] == '1' then redis.call('HINCRBY', KEYS[1], 'version', 1) end
return 1
"""

# KEYS[1] grant, KEYS[2] its token set, KEYS[3] its code set, KEYS[4] client's live grants;
# ARGV[1] token key prefix, ARGV[2] code key prefix, ARGV[3] grant id.
REVOKE_GRANT = """
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'revoked', 'true') end
for _, h in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[1] .. h) == 1 then redis.call('HSET', ARGV[1] .. h, 'revoked', 'true') end
end
for _, h in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if redis.call('EXISTS', ARGV[2] .. h) == 1 then redis.call('HSET', ARGV[2] .. h, 'used', 'true') end
end
redis.call('SREM', KEYS[4], ARGV[3])
return 1
"""

# KEYS[1] idle index; ARGV[1] cutoff, ARGV[2] live-grants key prefix, ARGV[3] client key prefix.
PURGE_IDLE = """
local n = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])) do
  if redis.call('SCARD', ARGV[2] .. id) == 0 then
    redis.call('DEL', ARGV[3] .. id)
    redis.call('ZREM', KEYS[1], id)
    n = n + 1
  end
end
return n
"""


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _fields(record: Any) -> dict[str, str]:
    return {k: _dump(v) for k, v in dataclasses.asdict(record).items()}


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _load(cls: type[Any], raw: dict[Any, Any]) -> Any:
    if not raw:
        return None
    names = {f.name for f in dataclasses.fields(cls)}
    values = {_text(k): json.loads(v) for k, v in raw.items()}
    return cls(**{k: v for k, v in values.items() if k in names})


class RedisGrantStore:
    """``GrantStore`` on Redis; ``prefix`` separates deployments sharing one server."""

    def __init__(self, url: str, *, prefix: str = "baton:mcp:") -> None:
        self._url = url
        self._p = prefix
        self._redis: Redis | None = None

    @property
    def redis(self) -> Redis:
        if self._redis is None:
            raise RuntimeError("RedisGrantStore.initialize() was not awaited")
        return self._redis

    async def initialize(self) -> None:
        self._redis = Redis.from_url(self._url)
        self._update = self._redis.register_script(CONDITIONAL_UPDATE)
        self._revoke = self._redis.register_script(REVOKE_GRANT)
        self._purge = self._redis.register_script(PURGE_IDLE)
        await self._redis.ping()

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    def _k(self, *parts: str) -> str:
        return self._p + ":".join(parts)

    async def _put(self, key: str, record: Any, expire_at: float | None = None) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(key, mapping=_fields(record))  # type: ignore[arg-type]
            if expire_at is not None:
                pipe.pexpireat(key, int(expire_at * 1000))
            await pipe.execute()

    async def _get(self, cls: type[Any], key: str) -> Any:
        raw: dict[Any, Any] = await self.redis.hgetall(key)  # type: ignore[misc]
        return _load(cls, raw)

    async def _cas(
        self, key: str, conds: list[list[str]], updates: dict[str, Any], bump: bool = False
    ) -> bool:
        result = await self._update(
            keys=[key],
            args=[
                _dump(conds),
                _dump({k: _dump(v) for k, v in updates.items()}),
                "1" if bump else "0",
            ],
        )
        return bool(result)

    # clients
    async def get_client(self, client_id: str) -> ClientRecord | None:
        return await self._get(ClientRecord, self._k("client", client_id))  # type: ignore[no-any-return]

    async def save_client(self, client: ClientRecord) -> None:
        await self._put(self._k("client", client.client_id), client)
        if client.source == "dcr":
            await self.redis.zadd(self._k("clients-idle"), {client.client_id: client.last_used_at})

    async def touch_client(self, client_id: str, now: float) -> None:
        key = self._k("client", client_id)
        if await self._cas(key, [["last_used_at", "free", _dump(now)]], {"last_used_at": now}):
            await self.redis.zadd(self._k("clients-idle"), {client_id: now}, xx=True)

    async def purge_idle_clients(self, unused_since: float) -> int:
        purged = await self._purge(
            keys=[self._k("clients-idle")],
            args=[repr(unused_since), self._k("client-grants", ""), self._k("client", "")],
        )
        return int(purged)

    # pending authorizations
    async def save_pending(self, pending: PendingAuthorization) -> None:
        await self._put(
            self._k("pending", pending.id_hash),
            pending,
            pending.expires_at + KEEP_AFTER_EXPIRY_MS / 1000,
        )

    async def get_pending(self, id_hash: str) -> PendingAuthorization | None:
        return await self._get(PendingAuthorization, self._k("pending", id_hash))  # type: ignore[no-any-return]

    async def get_pending_by_state(self, upstream_state_hash: str) -> PendingAuthorization | None:
        id_hash = await self.redis.get(self._k("pending-state", upstream_state_hash))
        return await self.get_pending(_text(id_hash)) if id_hash else None

    async def advance_pending(
        self, id_hash: str, from_stage: PendingStage, to_stage: PendingStage, **fields: Any
    ) -> bool:
        return await self.update_pending(id_hash, from_stage, stage=to_stage, **fields)

    async def update_pending(self, id_hash: str, from_stage: PendingStage, **fields: Any) -> bool:
        unknown = set(fields) - {f.name for f in dataclasses.fields(PendingAuthorization)}
        if unknown:
            raise ValueError(f"unknown pending fields: {sorted(unknown)}")
        key = self._k("pending", id_hash)
        conds = [["stage", "eq", _dump(from_stage)], ["expires_at", "gt", _dump(time.time())]]
        if not await self._cas(key, conds, fields):
            return False
        state_hash = fields.get("upstream_state_hash")
        if state_hash:
            pending = await self.get_pending(id_hash)
            expire_ms = (
                int((pending.expires_at if pending else time.time()) * 1000) + KEEP_AFTER_EXPIRY_MS
            )
            await self.redis.set(self._k("pending-state", state_hash), id_hash, pxat=expire_ms)
        return True

    async def delete_pending(self, id_hash: str) -> None:
        await self.redis.delete(self._k("pending", id_hash))

    # authorization codes
    async def save_code(self, code: AuthorizationCodeRecord) -> None:
        await self._put(
            self._k("code", code.code_hash), code, code.expires_at + KEEP_AFTER_EXPIRY_MS / 1000
        )
        await self.redis.sadd(self._k("grant-codes", code.grant_id), code.code_hash)  # type: ignore[misc]

    async def get_code(self, code_hash: str) -> AuthorizationCodeRecord | None:
        return await self._get(AuthorizationCodeRecord, self._k("code", code_hash))  # type: ignore[no-any-return]

    async def consume_code(self, code_hash: str) -> bool:
        conds = [["used", "eq", "false"], ["expires_at", "gt", _dump(time.time())]]
        return await self._cas(self._k("code", code_hash), conds, {"used": True})

    # grants
    async def save_grant(self, grant: Grant) -> None:
        await self._put(self._k("grant", grant.id), grant)
        index = self._k("user-grants", grant.subject, grant.client_id, grant.kind)
        await self.redis.zadd(index, {grant.id: grant.created_at})
        if not grant.revoked:
            await self.redis.sadd(self._k("client-grants", grant.client_id), grant.id)  # type: ignore[misc]

    async def get_grant(self, grant_id: str) -> Grant | None:
        return await self._get(Grant, self._k("grant", grant_id))  # type: ignore[no-any-return]

    async def find_live_grant(self, subject: str, client_id: str, kind: GrantKind) -> Grant | None:
        ids = await self.redis.zrevrange(self._k("user-grants", subject, client_id, kind), 0, 20)
        for grant_id in ids:
            grant = await self.get_grant(_text(grant_id))
            if grant is not None and not grant.revoked:
                return grant
        return None

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
        updates: dict[str, Any] = {
            "upstream_access_enc": access_enc,
            "upstream_refresh_enc": refresh_enc,
            "upstream_expires_at": expires_at,
            "refresh_lease_until": None,
        }
        if scopes is not None:
            updates["scopes"] = scopes
        if claims is not None:
            updates["claims"] = claims
        conds = [["version", "eq", _dump(expected_version)], ["revoked", "eq", "false"]]
        return await self._cas(self._k("grant", grant_id), conds, updates, bump=True)

    async def claim_refresh(
        self, grant_id: str, expected_version: int, lease_until: float, now: float
    ) -> bool:
        conds = [
            ["version", "eq", _dump(expected_version)],
            ["revoked", "eq", "false"],
            ["refresh_lease_until", "free", _dump(now)],
        ]
        return await self._cas(
            self._k("grant", grant_id), conds, {"refresh_lease_until": lease_until}
        )

    async def release_refresh(self, grant_id: str, expected_version: int) -> None:
        conds = [["version", "eq", _dump(expected_version)]]
        await self._cas(self._k("grant", grant_id), conds, {"refresh_lease_until": None})

    async def revoke_grant(self, grant_id: str) -> None:
        grant = await self.get_grant(grant_id)
        client_id = grant.client_id if grant else ""
        await self._revoke(
            keys=[
                self._k("grant", grant_id),
                self._k("grant-tokens", grant_id),
                self._k("grant-codes", grant_id),
                self._k("client-grants", client_id),
            ],
            args=[self._k("token", ""), self._k("code", ""), grant_id],
        )

    # Baton's tokens
    async def save_tokens(self, *tokens: TokenRecord) -> None:
        for token in tokens:
            await self._put(self._k("token", token.token_hash), token, token.expires_at)
            await self.redis.sadd(self._k("grant-tokens", token.grant_id), token.token_hash)  # type: ignore[misc]

    async def get_token(self, token_hash: str) -> TokenRecord | None:
        return await self._get(TokenRecord, self._k("token", token_hash))  # type: ignore[no-any-return]

    async def use_refresh_token(self, token_hash: str) -> bool:
        conds = [
            ["kind", "eq", _dump("refresh")],
            ["used", "eq", "false"],
            ["revoked", "eq", "false"],
            ["expires_at", "gt", _dump(time.time())],
        ]
        return await self._cas(self._k("token", token_hash), conds, {"used": True})

    async def revoke_token(self, token_hash: str) -> None:
        await self._cas(self._k("token", token_hash), [], {"revoked": True})
