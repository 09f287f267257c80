"""Where clients come from: dynamic registration, metadata documents, and the graph.

The graph's confidential client is configured (``GRAPH_CLIENT_ID``/``_SECRET``), not
stored. Client secrets are kept as SHA-256 only; the plaintext leaves this server
once, in the RFC 7591 registration response.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from mcp_server.auth.cimd import CimdError, CimdFetcher, looks_like_cimd
from mcp_server.auth.clients import BatonClient
from mcp_server.crypto import token_hash
from mcp_server.grants.store import ClientRecord, GrantStore

logger = logging.getLogger(__name__)

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
CIMD_REFRESH_AFTER = 3600.0  # refetch a metadata document at most hourly
TOUCH_EVERY = 300.0  # write last_used_at at most every five minutes per client


class ClientRegistry:
    def __init__(
        self,
        store: GrantStore,
        cimd: CimdFetcher,
        *,
        graph_client_id: str,
        graph_client_secret: str,
        idle_ttl: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._cimd = cimd
        self._graph = BatonClient(
            client_id=graph_client_id,
            redirect_uris=None,
            token_endpoint_auth_method="client_secret_post",
            grant_types=[TOKEN_EXCHANGE],
            response_types=[],
            client_name="Baton orchestrator",
        )
        self._graph_secret_hash = token_hash(graph_client_secret)
        self._idle_ttl = idle_ttl
        self._clock = clock

    @property
    def graph_client_id(self) -> str:
        return str(self._graph.client_id)

    async def get(self, client_id: str) -> BatonClient | None:
        found = await self.get_with_secret(client_id)
        return found[0] if found else None

    async def get_with_secret(self, client_id: str) -> tuple[BatonClient, str | None] | None:
        """The client and the SHA-256 of its secret (None for public clients)."""
        if not client_id or len(client_id) > 2048:
            return None
        if client_id == self._graph.client_id:
            return self._graph, self._graph_secret_hash
        record = await self._store.get_client(client_id)
        now = self._clock()
        if looks_like_cimd(client_id) and (
            record is None or now - record.created_at > CIMD_REFRESH_AFTER
        ):
            record = await self._fetch_document(client_id, record)
        if record is None:
            return None
        if now - record.last_used_at > TOUCH_EVERY:
            await self._store.touch_client(client_id, now)
        return _client(record), record.secret_hash

    async def _fetch_document(
        self, client_id: str, cached: ClientRecord | None
    ) -> ClientRecord | None:
        try:
            metadata = await self._cimd.fetch(client_id)
        except CimdError as exc:
            logger.info("client metadata document refused: %s", exc)
            return None
        now = self._clock()
        record = ClientRecord(
            client_id=client_id,
            metadata=metadata,
            secret_hash=None,
            source="cimd",
            created_at=now,
            last_used_at=now,
        )
        await self._store.save_client(record)
        return record

    async def register(self, client: BatonClient | Any) -> None:
        """Store a dynamically registered client (its secret as a hash)."""
        now = self._clock()
        metadata = client.model_dump(mode="json", exclude_none=True)
        secret = metadata.pop("client_secret", None)
        metadata.pop("client_id", None)
        await self._store.save_client(
            ClientRecord(
                client_id=str(client.client_id),
                metadata=metadata,
                secret_hash=token_hash(secret) if secret else None,
                source="dcr",
                created_at=now,
                last_used_at=now,
            )
        )
        # Opportunistic cleanup: registration is where unused registrations pile up.
        purged = await self._store.purge_idle_clients(now - self._idle_ttl)
        if purged:
            logger.info("purged %d idle client registrations", purged)


def _client(record: ClientRecord) -> BatonClient:
    return BatonClient.model_validate({**record.metadata, "client_id": record.client_id})
