"""RFC 8693 token exchange at Baton's MCP server, with a per-user cache of the result.

The user's Auth0 access token (the subject token) is exchanged for a Baton access
token bound to the MCP resource. The graph authenticates as its own confidential
client (client_secret_post). Cached tokens are keyed by the user's subject and a
SHA-256 of the subject token, so a raw token is never a dict key that could be
logged, and a new sign-in gets a new exchange.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from graph.errors import ToolAccessRefused, ToolServerUnavailable

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"


@dataclass(frozen=True)
class _Cached:
    access_token: str
    expires_at: float


class TokenExchanger:
    """Exchanges and caches Baton tokens for one MCP resource.

    ``token_for`` returns a cached token until ``refresh_margin`` seconds before it
    expires; ``renew`` drops a token the server rejected and exchanges again.
    Raises ``ToolAccessRefused`` on an RFC 6749 error, ``ToolServerUnavailable``
    when the server cannot be reached.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        issuer_url: str,
        resource: str,
        client_id: str,
        client_secret: str,
        refresh_margin: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self._issuer_url = issuer_url.rstrip("/")
        self._resource = resource
        self._client_id = client_id
        self._client_secret = client_secret
        self._margin = refresh_margin
        self._clock = clock
        self._cache: dict[tuple[str, str], _Cached] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._token_endpoint: str | None = None
        self.exchanges = 0
        """How many exchanges were made (for tests and benchmarks)."""

    async def token_for(self, subject: str, subject_token: str) -> str:
        key = (subject, hashlib.sha256(subject_token.encode()).hexdigest())
        async with self._locks.setdefault(key, asyncio.Lock()):
            cached = self._cache.get(key)
            if cached and cached.expires_at - self._margin > self._clock():
                return cached.access_token
            fresh = await self._exchange(subject_token)
            self._purge()
            self._cache[key] = fresh
            return fresh.access_token

    async def renew(self, subject: str, subject_token: str, rejected: str) -> str:
        """A new token after the server rejected ``rejected`` (unless another caller already renewed it)."""
        key = (subject, hashlib.sha256(subject_token.encode()).hexdigest())
        async with self._locks.setdefault(key, asyncio.Lock()):
            cached = self._cache.get(key)
            if cached and cached.access_token != rejected:
                return cached.access_token
            self._cache.pop(key, None)
        return await self.token_for(subject, subject_token)

    def _purge(self) -> None:
        """Drop expired tokens (and their idle locks) so the cache stays bounded by live users."""
        now = self._clock()
        for key in [k for k, v in self._cache.items() if v.expires_at <= now]:
            del self._cache[key]
            lock = self._locks.get(key)
            if lock is not None and not lock.locked():
                del self._locks[key]

    def forget(self, subject: str) -> None:
        for key in [k for k in self._cache if k[0] == subject]:
            del self._cache[key]

    async def _exchange(self, subject_token: str) -> _Cached:
        endpoint = await self._discover_token_endpoint()
        form = {
            "grant_type": GRANT_TYPE,
            "subject_token": subject_token,
            "subject_token_type": ACCESS_TOKEN_TYPE,
            "resource": self._resource,
            "client_id": self._client_id,
            "client_secret": self._client_secret,
        }
        try:
            response = await self._http.post(endpoint, data=form)
        except httpx.HTTPError as exc:
            raise ToolServerUnavailable(f"token endpoint: {type(exc).__name__}") from None
        body = _json(response)
        if response.status_code != 200:
            if response.status_code >= 500 or "error" not in body:
                raise ToolServerUnavailable(f"token endpoint answered {response.status_code}")
            raise ToolAccessRefused(str(body["error"]), str(body.get("error_description", "")))
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise ToolServerUnavailable("token endpoint returned no access_token")
        self.exchanges += 1
        expires_in = float(str(body.get("expires_in") or 300))
        return _Cached(token, self._clock() + expires_in)

    async def _discover_token_endpoint(self) -> str:
        if self._token_endpoint is None:
            url = f"{self._issuer_url}/.well-known/oauth-authorization-server"
            try:
                response = await self._http.get(url)
            except httpx.HTTPError as exc:
                raise ToolServerUnavailable(f"metadata: {type(exc).__name__}") from None
            endpoint = _json(response).get("token_endpoint")
            if response.status_code != 200 or not isinstance(endpoint, str):
                raise ToolServerUnavailable(f"metadata answered {response.status_code}")
            self._token_endpoint = endpoint
        return self._token_endpoint


def _json(response: httpx.Response) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
