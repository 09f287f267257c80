"""Baton's own tokens: minted opaque, stored hashed, bound to this server's resource.

A grant is one token family: every access and refresh token minted for it carries
its id, so revoking the grant (on refresh-token reuse, code replay, an upstream
``invalid_grant`` or RFC 7009 revocation) ends them all at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from mcp.server.auth.provider import AccessToken, RefreshToken
from mcp.shared.auth import OAuthToken

from mcp_server.crypto import new_token, token_hash
from mcp_server.grants.store import Grant, GrantStore, TokenRecord


class BatonAccessToken(AccessToken):
    """The SDK's view of a verified access token plus the grant it acts under."""

    grant_id: str


class BatonRefreshToken(RefreshToken):
    grant_id: str


class TokenIssuer:
    """Mints and looks up Baton's access and refresh tokens."""

    def __init__(
        self,
        store: GrantStore,
        *,
        resource: str,
        issuer: str,
        access_ttl: int,
        refresh_ttl: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._resource = resource
        self._issuer = issuer
        self._access_ttl = access_ttl
        self._refresh_ttl = refresh_ttl
        self._clock = clock

    async def issue(
        self,
        grant: Grant,
        scopes: list[str],
        *,
        with_refresh: bool = True,
        not_after: float | None = None,
    ) -> OAuthToken:
        """A new access token (and refresh token) for ``grant``; ``not_after`` caps the lifetime."""
        now = self._clock()
        access_expires = now + self._access_ttl
        if not_after is not None:
            access_expires = min(access_expires, not_after)
        access = new_token("bat_")
        records = [
            TokenRecord(
                token_hash=token_hash(access),
                kind="access",
                grant_id=grant.id,
                client_id=grant.client_id,
                scopes=scopes,
                resource=self._resource,
                expires_at=access_expires,
                issued_at=now,
            )
        ]
        refresh = None
        if with_refresh:
            refresh = new_token("btr_")
            records.append(
                TokenRecord(
                    token_hash=token_hash(refresh),
                    kind="refresh",
                    grant_id=grant.id,
                    client_id=grant.client_id,
                    scopes=scopes,
                    resource=self._resource,
                    expires_at=now + self._refresh_ttl,
                    issued_at=now,
                )
            )
        await self._store.save_tokens(*records)
        return OAuthToken(
            access_token=access,
            token_type="Bearer",
            expires_in=max(1, int(access_expires - now)),
            scope=" ".join(scopes),
            refresh_token=refresh,
        )

    async def load_access(self, token: str) -> BatonAccessToken | None:
        record = await self._store.get_token(token_hash(token))
        if record is None or record.kind != "access" or record.revoked:
            return None
        if record.expires_at <= self._clock():
            return None
        grant = await self._store.get_grant(record.grant_id)
        if grant is None or grant.revoked:
            return None
        return BatonAccessToken(
            token=token,
            client_id=record.client_id,
            scopes=record.scopes,
            expires_at=int(record.expires_at),
            resource=record.resource,
            subject=grant.subject,
            claims={"iss": self._issuer},
            grant_id=grant.id,
        )

    async def load_refresh(self, client_id: str, token: str) -> BatonRefreshToken | None:
        """The refresh token if it may be used; reuse of a rotated one revokes its family."""
        record = await self._store.get_token(token_hash(token))
        if record is None or record.kind != "refresh" or record.client_id != client_id:
            return None
        if record.used:
            # RFC 9700 4.14.2: a rotated refresh token coming back means one of the
            # two parties holding it is not the client; end the whole family.
            await self._store.revoke_grant(record.grant_id)
            return None
        if record.revoked or record.expires_at <= self._clock():
            return None
        grant = await self._store.get_grant(record.grant_id)
        if grant is None or grant.revoked:
            return None
        return BatonRefreshToken(
            token=token,
            client_id=record.client_id,
            scopes=record.scopes,
            expires_at=int(record.expires_at),
            resource=record.resource,
            subject=grant.subject,
            grant_id=grant.id,
        )

    async def rotate(self, refresh: BatonRefreshToken, scopes: list[str]) -> OAuthToken | None:
        """Spend ``refresh`` and mint a new pair; None if another request spent it first."""
        if not await self._store.use_refresh_token(token_hash(refresh.token)):
            await self._store.revoke_grant(refresh.grant_id)
            return None
        grant = await self._store.get_grant(refresh.grant_id)
        if grant is None or grant.revoked:
            return None
        return await self.issue(grant, scopes)
