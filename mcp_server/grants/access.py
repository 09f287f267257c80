"""Grants as the tools use them: creating them, and a fresh upstream token on demand.

``GrantAccess.upstream_token`` refreshes a near-expiry upstream token once, however
many tool calls ask at the same moment. In one process, callers for one grant queue
on a per-grant lock and find the fresh token when they get it. Across processes and
replicas, the lock holder must also win a lease in the store (``claim_refresh``, one
conditional write); a replica that loses waits for the winner's new version instead
of spending the same upstream refresh token, which a rotating provider would answer
with ``invalid_grant`` (and that would revoke the grant).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from mcp_server.crypto import TokenCipher
from mcp_server.grants.store import Grant, GrantKind, GrantStore
from mcp_server.settings import TOOL_SCOPES
from mcp_server.upstream import (
    UpstreamClient,
    UpstreamRejected,
    UpstreamTokens,
    UpstreamUnavailable,
)

logger = logging.getLogger(__name__)

REFRESH_LEASE = 30.0  # seconds a replica may take to refresh before others try themselves
PEER_POLL = 0.05

PROFILE_CLAIMS = ("sub", "iss", "name", "nickname", "email", "email_verified", "picture", "azp")


class GrantRevoked(Exception):
    """The grant is gone (revoked, or its upstream authority ended): re-authorize."""


class UpstreamTemporarilyUnavailable(Exception):
    """The upstream could not refresh the token just now; retry after ``retry_after`` s."""

    retry_after = 5


def granted_scopes(held: Iterable[str], requested: list[str] | None) -> list[str]:
    """What the user holds upstream, intersected with what was asked (None: all we offer)."""
    wanted = set(TOOL_SCOPES if requested is None else requested)
    held_set = set(held)
    return [s for s in TOOL_SCOPES if s in wanted and s in held_set]


def profile_claims(claims: dict[str, Any]) -> dict[str, Any]:
    return {k: claims[k] for k in PROFILE_CLAIMS if k in claims}


class GrantAccess:
    def __init__(
        self,
        store: GrantStore,
        cipher: TokenCipher,
        upstream: UpstreamClient,
        *,
        refresh_margin: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._cipher = cipher
        self._upstream = upstream
        self._margin = refresh_margin
        self._clock = clock
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._queued: dict[str, int] = {}
        self.peer_waits = 0  # times this process waited for another replica's refresh

    async def create(
        self,
        *,
        subject: str,
        client_id: str,
        kind: GrantKind,
        scopes: list[str],
        claims: dict[str, Any],
        access_token: str,
        refresh_token: str | None,
        expires_at: float,
    ) -> Grant:
        grant = Grant(
            id=str(uuid.uuid4()),
            subject=subject,
            client_id=client_id,
            kind=kind,
            scopes=scopes,
            claims=profile_claims(claims),
            upstream_access_enc=self._cipher.encrypt(access_token),
            upstream_refresh_enc=self._cipher.encrypt(refresh_token) if refresh_token else None,
            upstream_expires_at=expires_at,
            version=0,
            created_at=self._clock(),
        )
        await self._store.save_grant(grant)
        return grant

    async def exchange_grant(
        self,
        *,
        subject: str,
        client_id: str,
        scopes: list[str],
        claims: dict[str, Any],
        subject_token: str,
        expires_at: float,
    ) -> Grant:
        """The user+client's token-exchange grant, updated with this subject token (or new)."""
        # A few tries: a concurrent exchange for the same user may bump the version first.
        for _ in range(3):
            existing = await self._store.find_live_grant(subject, client_id, "token_exchange")
            if existing is None:
                break
            updated = await self._store.replace_upstream(
                existing.id,
                existing.version,
                access_enc=self._cipher.encrypt(subject_token),
                refresh_enc=None,
                expires_at=expires_at,
                scopes=scopes,
                claims=profile_claims(claims),
            )
            if updated:
                return await self.live_grant(existing.id)
        return await self.create(
            subject=subject,
            client_id=client_id,
            kind="token_exchange",
            scopes=scopes,
            claims=claims,
            access_token=subject_token,
            refresh_token=None,
            expires_at=expires_at,
        )

    async def live_grant(self, grant_id: str) -> Grant:
        grant = await self._store.get_grant(grant_id)
        if grant is None or grant.revoked:
            raise GrantRevoked("the authorization was revoked")
        return grant

    async def upstream_token(self, grant_id: str) -> str:
        """A usable upstream access token for the grant, refreshed first if near expiry."""
        grant = await self.live_grant(grant_id)
        if self._fresh(grant):
            return self._cipher.decrypt(grant.upstream_access_enc)
        if grant.upstream_refresh_enc is None:
            return self._until_expiry(grant)
        lock = self._locks.get(grant_id)
        if lock is None:
            lock = self._locks[grant_id] = asyncio.Lock()
        self._queued[grant_id] = self._queued.get(grant_id, 0) + 1
        try:
            await lock.acquire()
        finally:
            self._queued[grant_id] -= 1
            if not self._queued[grant_id]:
                del self._queued[grant_id]
        try:
            grant = await self.live_grant(grant_id)  # someone may have refreshed meanwhile
            if self._fresh(grant):
                return self._cipher.decrypt(grant.upstream_access_enc)
            return await self._refresh(grant)
        finally:
            lock.release()

    def queued(self, grant_id: str) -> int:
        """How many callers are queued behind the one refreshing this grant right now."""
        return self._queued.get(grant_id, 0)

    def _fresh(self, grant: Grant) -> bool:
        return grant.upstream_expires_at - self._margin > self._clock()

    def _until_expiry(self, grant: Grant) -> str:
        # A token-exchange grant cannot be refreshed: usable until the subject token expires.
        if grant.upstream_expires_at > self._clock():
            return self._cipher.decrypt(grant.upstream_access_enc)
        raise GrantRevoked("the exchanged token has expired; exchange a new one")

    async def _refresh(self, grant: Grant, *, may_wait: bool = True) -> str:
        assert grant.upstream_refresh_enc is not None
        now = self._clock()
        if not await self._store.claim_refresh(grant.id, grant.version, now + REFRESH_LEASE, now):
            if may_wait:
                return await self._wait_for_peer(grant)
            return self._still_valid_or_unavailable(grant, TimeoutError("refresh lease held"))
        try:
            tokens = await self._upstream.refresh(self._cipher.decrypt(grant.upstream_refresh_enc))
        except UpstreamRejected as exc:
            if exc.error == "invalid_grant":
                return await self._refused(grant, exc)
            logger.warning("upstream refresh failed for grant %s: %s", grant.id, exc.error)
            await self._store.release_refresh(grant.id, grant.version)
            return self._still_valid_or_unavailable(grant, exc)
        except UpstreamUnavailable as exc:
            logger.warning("upstream refresh unavailable for grant %s: %s", grant.id, exc.error)
            await self._store.release_refresh(grant.id, grant.version)
            return self._still_valid_or_unavailable(grant, exc)
        return await self._store_refreshed(grant, tokens)

    async def _refused(self, grant: Grant, exc: UpstreamRejected) -> str:
        current = await self.live_grant(grant.id)
        if current.version != grant.version:
            # Another replica refreshed after all (the lease had lapsed): use its token.
            return self._cipher.decrypt(current.upstream_access_enc)
        logger.info("upstream refused the refresh token of grant %s; revoking it", grant.id)
        await self._store.revoke_grant(grant.id)
        raise GrantRevoked("the upstream authorization ended") from exc

    async def _wait_for_peer(self, grant: Grant) -> str:
        """Another process holds the refresh lease: poll for its result until the lease ends."""
        self.peer_waits += 1
        while True:
            await asyncio.sleep(PEER_POLL)
            current = await self.live_grant(grant.id)
            if current.version != grant.version:
                return self._cipher.decrypt(current.upstream_access_enc)
            lease = current.refresh_lease_until
            if lease is None or lease < self._clock():
                # The peer gave up or died: try once ourselves.
                return await self._refresh(current, may_wait=False)

    def _still_valid_or_unavailable(self, grant: Grant, exc: Exception) -> str:
        if grant.upstream_expires_at > self._clock():
            return self._cipher.decrypt(grant.upstream_access_enc)
        raise UpstreamTemporarilyUnavailable("the identity provider is unavailable") from exc

    async def _store_refreshed(self, grant: Grant, tokens: UpstreamTokens) -> str:
        stored = await self._store.replace_upstream(
            grant.id,
            grant.version,
            access_enc=self._cipher.encrypt(tokens.access_token),
            refresh_enc=self._cipher.encrypt(tokens.refresh_token)
            if tokens.refresh_token
            else None,
            expires_at=tokens.expires_at,
        )
        if not stored:
            # Another replica refreshed first (or the grant was revoked): use theirs.
            current = await self.live_grant(grant.id)
            return self._cipher.decrypt(current.upstream_access_enc)
        return tokens.access_token
