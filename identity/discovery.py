"""OIDC discovery and a JWKS cache with a floor on refetches."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
from joserfc.jwk import KeySet

from identity.errors import IssuerUnavailable

MAX_DOCUMENT_BYTES = 512 * 1024


async def _get_json(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    try:
        response = await http.get(url, headers={"Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise IssuerUnavailable(f"GET {url} failed: {type(exc).__name__}") from exc
    if response.status_code != 200 or len(response.content) > MAX_DOCUMENT_BYTES:
        raise IssuerUnavailable(f"GET {url} answered {response.status_code}")
    try:
        body = response.json()
    except ValueError as exc:
        raise IssuerUnavailable(f"GET {url} did not return JSON") from exc
    if not isinstance(body, dict):
        raise IssuerUnavailable(f"GET {url} did not return a JSON object")
    return body


class OIDCDiscovery:
    """The issuer's ``/.well-known/openid-configuration``, fetched once and cached.

    Every endpoint Baton uses comes from here, never from hard-coded Auth0 paths,
    so any standards-compliant provider works.
    """

    def __init__(self, issuer: str, http: httpx.AsyncClient, ttl: float = 3600.0) -> None:
        self.issuer = issuer
        self._http = http
        self._ttl = ttl
        self._doc: dict[str, Any] | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    @property
    def url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    async def metadata(self) -> dict[str, Any]:
        if self._doc is not None and time.monotonic() - self._fetched_at < self._ttl:
            return self._doc
        async with self._lock:
            if self._doc is None or time.monotonic() - self._fetched_at >= self._ttl:
                doc = await _get_json(self._http, self.url)
                if doc.get("issuer") != self.issuer:
                    raise IssuerUnavailable(
                        f"discovery issuer {doc.get('issuer')!r} differs from {self.issuer!r}"
                    )
                self._doc, self._fetched_at = doc, time.monotonic()
        return self._doc

    async def endpoint(self, name: str) -> str | None:
        value = (await self.metadata()).get(name)
        return value if isinstance(value, str) else None


class JWKSCache:
    """The issuer's signing keys, fetched once, refetched on an unknown ``kid``.

    Refetches are rate-limited (``refetch_floor`` seconds) so a flood of tokens with
    random ``kid`` values cannot turn the verifier into a JWKS amplifier.
    """

    def __init__(
        self,
        discovery: OIDCDiscovery,
        refetch_floor: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        failure_backoff: float = 2.0,
    ) -> None:
        self._discovery = discovery
        self._floor = refetch_floor
        self._backoff = failure_backoff
        self._clock = clock
        self._keys: KeySet | None = None
        self._fetched_at = float("-inf")
        self._failed_at = float("-inf")
        self._lock = asyncio.Lock()
        self.fetch_count = 0

    async def _fetch(self) -> KeySet:
        jwks_uri = await self._discovery.endpoint("jwks_uri")
        if not jwks_uri:
            raise IssuerUnavailable("discovery document has no jwks_uri")
        doc = await _get_json(self._discovery._http, jwks_uri)
        try:
            keys = KeySet.import_key_set(doc)  # type: ignore[arg-type]
        except Exception as exc:
            raise IssuerUnavailable("JWKS could not be parsed") from exc
        self.fetch_count += 1
        self._fetched_at = self._clock()
        return keys

    async def key_set(self, kid: str | None) -> KeySet:
        """Keys to verify a token with ``kid``; refetches once if ``kid`` is unknown."""
        if self._keys is not None and (kid is None or _has_kid(self._keys, kid)):
            return self._keys
        async with self._lock:
            now = self._clock()
            if self._keys is None or (
                kid is not None
                and not _has_kid(self._keys, kid)
                and now - max(self._fetched_at, self._failed_at) >= self._floor
            ):
                # While the issuer is failing, answer at once instead of letting every
                # request (or every forged kid) trigger another fetch.
                if now - self._failed_at < self._backoff:
                    raise IssuerUnavailable("the issuer's JWKS failed moments ago; retry shortly")
                try:
                    self._keys = await self._fetch()
                except IssuerUnavailable:
                    self._failed_at = self._clock()
                    raise
        return self._keys


def _has_kid(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)
