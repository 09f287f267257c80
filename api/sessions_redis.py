"""Front-end sessions in Redis, for several replicas behind a load balancer (``REDIS_URL``).

Same contract as ``SqliteSessionStore``: keys are the SHA-256 of the cookie value,
tokens are Fernet-encrypted, lifetimes are checked against the store's clock (Redis
key expiry is only the garbage collector). ``refresh_lock`` is a Redis lock
(``SET NX PX`` + compare-and-delete), so replicas refresh a session one at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import redis.asyncio as aioredis

from api.crypto import TokenCipher
from api.sessions import (
    EXTEND_GRANULARITY,
    Session,
    SessionTokens,
    hash_id,
    new_session,
    open_tokens,
    seal_tokens,
)

PREFIX = "baton:frontend:"
LOCK_TTL_MS = 15_000
LOCK_WAIT_SECONDS = 15.0
LOCK_POLL_SECONDS = 0.02

# Update only a session that still exists: HSET on a missing key would resurrect it.
_UPDATE_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HSET', KEYS[1], 'tokens', ARGV[1])
end
return -1
"""
_RELEASE_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class RefreshLockTimeout(TimeoutError):
    """Another replica held the refresh lock for too long."""


class RedisSessionStore:
    def __init__(
        self,
        client: aioredis.Redis,
        cipher: TokenCipher,
        *,
        idle_ttl: float,
        absolute_ttl: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis = client
        self._cipher = cipher
        self._idle_ttl = idle_ttl
        self._absolute_ttl = absolute_ttl
        self._clock = clock

    @classmethod
    def from_url(cls, url: str, cipher: TokenCipher, **kwargs: Any) -> RedisSessionStore:
        return cls(aioredis.Redis.from_url(url), cipher, **kwargs)

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
        key = _key(session.id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                key,
                mapping={
                    "subject": subject,
                    "name": name,
                    "email": email or "",
                    "csrf_token": session.csrf_token,
                    "tokens": seal_tokens(self._cipher, tokens),
                    "created_at": repr(now),
                    "expires_at": repr(session.expires_at),
                    "absolute_expires_at": repr(now + self._absolute_ttl),
                },
            )
            pipe.pexpire(key, _ms(session.expires_at - now))
            await pipe.execute()
        return session

    async def get(self, session_id: str) -> Session | None:
        if not session_id or len(session_id) > 128:
            return None
        key = _key(session_id)
        # The client is created without decode_responses: every value is bytes.
        raw: dict[str, bytes] = {
            _text(k): bytes(v) if not isinstance(v, str) else v.encode()
            for k, v in (await self._redis.hgetall(key)).items()  # type: ignore[misc]
        }
        if not raw:
            return None
        now = self._clock()
        try:
            expires_at = float(raw["expires_at"])
            absolute = float(raw["absolute_expires_at"])
            tokens = open_tokens(self._cipher, raw["tokens"])
            fields = {name: raw[name].decode() for name in ("subject", "name", "csrf_token")}
            email = raw.get("email", b"").decode() or None
            created_at = float(raw["created_at"])
        except (KeyError, ValueError, UnicodeDecodeError):
            tokens = None
        if tokens is None or expires_at <= now:
            await self.delete(session_id)
            return None
        new_expiry = min(now + self._idle_ttl, absolute)
        if new_expiry - expires_at >= EXTEND_GRANULARITY:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(key, "expires_at", repr(new_expiry))
                pipe.pexpire(key, _ms(new_expiry - now))
                await pipe.execute()
        else:
            new_expiry = expires_at
        return Session(
            session_id,
            fields["subject"],
            fields["name"],
            email,
            fields["csrf_token"],
            tokens,
            created_at,
            new_expiry,
        )

    async def update_tokens(self, session_id: str, tokens: SessionTokens) -> None:
        await self._redis.eval(  # type: ignore[misc]
            _UPDATE_IF_EXISTS, 1, _key(session_id), seal_tokens(self._cipher, tokens)
        )

    async def delete(self, session_id: str) -> None:
        await self._redis.delete(_key(session_id))

    def refresh_lock(self, session_id: str) -> AbstractAsyncContextManager[None]:
        return self._lock(PREFIX + "refresh:" + hash_id(session_id))

    @contextlib.asynccontextmanager
    async def _lock(self, name: str) -> AsyncIterator[None]:
        owner = secrets.token_hex(16)
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        # Polling keeps this to plain SET NX; waits are as short as a refresh round trip.
        while not await self._redis.set(name, owner, nx=True, px=LOCK_TTL_MS):
            if time.monotonic() > deadline:
                raise RefreshLockTimeout(name)
            await asyncio.sleep(LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            await self._redis.eval(_RELEASE_IF_OWNER, 1, name, owner)  # type: ignore[misc]

    async def close(self) -> None:
        await self._redis.aclose()


def _key(session_id: str) -> str:
    return PREFIX + "session:" + hash_id(session_id)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


__all__ = ["RedisSessionStore", "RefreshLockTimeout"]
