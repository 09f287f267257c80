"""Who is calling: a login session (cookie) or an Auth0 access token (bearer).

``SessionManager`` hands out live sessions and refreshes their access token shortly
before it expires. Refreshes are single-flight per session within a process, so a
burst of requests spends the (possibly rotating) refresh token once; a refusal from
the issuer ends the session.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from api.oidc import OidcClient, RefreshFailed
from api.sessions import Session, SessionStore, with_tokens
from identity.verify import VerifiedToken

log = logging.getLogger("api.users")


@dataclass(frozen=True)
class User:
    subject: str
    name: str
    email: str | None
    via: Literal["session", "bearer"]
    access_token: str = field(repr=False)
    session: Session | None = field(default=None, repr=False)

    @classmethod
    def from_session(cls, session: Session) -> User:
        return cls(
            subject=session.subject,
            name=session.name,
            email=session.email,
            via="session",
            access_token=session.tokens.access_token,
            session=session,
        )

    @classmethod
    def from_token(cls, token: str, verified: VerifiedToken) -> User:
        claims = verified.claims
        name = claims.get("name") or claims.get("nickname") or verified.subject
        email = claims.get("email")
        return cls(
            subject=verified.subject,
            name=str(name),
            email=email if isinstance(email, str) else None,
            via="bearer",
            access_token=token,
        )


class SessionManager:
    def __init__(
        self,
        store: SessionStore,
        oidc: OidcClient,
        *,
        refresh_margin: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self._oidc = oidc
        self._margin = refresh_margin
        self._clock = clock
        # Weak values: a lock lives only while some request is refreshing that session.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def resolve(self, session_id: str) -> Session | None:
        """The live session with a fresh access token, or ``None`` (unknown, expired,
        or ended because the issuer refused the refresh)."""
        session = await self.store.get(session_id)
        if session is None or not self._needs_refresh(session):
            return session
        lock = self._locks.get(session_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[session_id] = lock
        try:
            async with lock, self.store.refresh_lock(session_id):
                return await self._refresh(session_id)
        except TimeoutError:
            # Another replica holds the refresh lock too long: use the token while it lasts.
            log.warning("refresh lock timed out")
            return session if session.tokens.expires_at > self._clock() else None

    async def _refresh(self, session_id: str) -> Session | None:
        """Refresh under the locks; re-reads first, since another request (or replica)
        may have refreshed while this one waited."""
        current = await self.store.get(session_id)
        if current is None or not self._needs_refresh(current):
            return current
        try:
            tokens = await self._oidc.refresh(current.tokens)
        except RefreshFailed as exc:
            if exc.transient and current.tokens.expires_at > self._clock():
                # The issuer hiccuped and the token still works: retry next request.
                log.warning("refresh failed transiently, keeping the session: %s", exc)
                return current
            log.info("refresh failed, ending session: %s", exc)
            await self.store.delete(session_id)
            return None
        await self.store.update_tokens(session_id, tokens)
        return with_tokens(current, tokens)

    def _needs_refresh(self, session: Session) -> bool:
        return session.tokens.expires_at - self._margin <= self._clock()


__all__ = ["SessionManager", "User"]
