"""``httpx.Auth`` for a run's MCP session: the exchanged Baton token, renewed once on a 401.

Built per run (a per-call header override does not reach tools of a held session).
Renewing inside the auth flow replays the rejected request with the new token, so
the MCP session never sees the 401.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator

import httpx

from graph.errors import RunFailure
from graph.token_exchange import TokenExchanger

log = logging.getLogger(__name__)


class ExchangedBearer(httpx.Auth):
    """Sends the run's Baton token; on a 401 re-exchanges once and replays the request."""

    def __init__(
        self, exchanger: TokenExchanger, subject: str, subject_token: str, token: str
    ) -> None:
        self._exchanger = exchanger
        self._subject = subject
        self._subject_token = subject_token
        self._token = token
        self.renewals_left = 1
        self._lock = asyncio.Lock()
        self.failure: RunFailure | None = None
        """Set when a re-exchange was refused; the session is then unusable."""

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        sent = self._token
        request.headers["Authorization"] = f"Bearer {sent}"
        response = yield request
        if response.status_code != 401:
            return
        async with self._lock:
            # Requests in flight when the token was rejected all come back 401; only the
            # first one renews, the others replay with the token it got.
            if sent == self._token:
                if self.renewals_left <= 0:
                    return
                self.renewals_left -= 1
                try:
                    self._token = await self._exchanger.renew(
                        self._subject, self._subject_token, sent
                    )
                except RunFailure as exc:
                    self.failure = exc
                    return
                log.info("MCP server rejected the run's token; re-exchanged once")
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    def sync_auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
        raise RuntimeError("ExchangedBearer is async only")
