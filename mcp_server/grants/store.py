"""The grant store: what the authorization server remembers, behind one Protocol.

Records are plain frozen dataclasses. Secrets never reach the store in the clear:
Baton's own tokens, codes, CSRF values and client secrets arrive as SHA-256 hashes
(``*_hash`` fields) and upstream tokens as Fernet ciphertext (``*_enc`` fields); see
``mcp_server.crypto``. Every operation that must happen once (consuming a code,
rotating a refresh token, moving an authorization to its next stage, replacing an
upstream token) is a single conditional write that reports whether it won, so
implementations stay correct with many replicas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

GrantKind = Literal["authorization_code", "token_exchange"]
TokenKind = Literal["access", "refresh"]
ClientSource = Literal["dcr", "cimd"]
PendingStage = Literal["consent", "upstream", "done"]


@dataclass(frozen=True)
class ClientRecord:
    """A registered client: its RFC 7591 metadata (without the secret) and bookkeeping."""

    client_id: str
    metadata: dict[str, Any]
    secret_hash: str | None
    source: ClientSource
    created_at: float
    last_used_at: float


@dataclass(frozen=True)
class PendingAuthorization:
    """An /authorize request on its way through consent and the upstream login."""

    id_hash: str
    client_id: str
    redirect_uri: str
    redirect_uri_explicit: bool
    code_challenge: str
    state: str | None
    scopes: list[str] | None
    resource: str
    created_at: float
    expires_at: float
    stage: PendingStage = "consent"
    csrf_hash: str | None = None
    browser_hash: str | None = None
    upstream_state_hash: str | None = None
    nonce: str | None = None
    upstream_verifier_enc: str | None = None


@dataclass(frozen=True)
class AuthorizationCodeRecord:
    code_hash: str
    grant_id: str
    client_id: str
    redirect_uri: str
    redirect_uri_explicit: bool
    code_challenge: str
    scopes: list[str]
    resource: str
    expires_at: float
    used: bool = False


@dataclass(frozen=True)
class Grant:
    """A user's authorization of one client, holding the upstream tokens that act for them."""

    id: str
    subject: str
    client_id: str
    kind: GrantKind
    scopes: list[str]
    claims: dict[str, Any] = field(repr=False)
    upstream_access_enc: str = field(repr=False)
    upstream_refresh_enc: str | None = field(repr=False)
    upstream_expires_at: float
    version: int
    created_at: float
    revoked: bool = False
    # Set while one replica refreshes the upstream token; others wait for its result.
    refresh_lease_until: float | None = None


@dataclass(frozen=True)
class TokenRecord:
    """One of Baton's own access or refresh tokens (stored by hash)."""

    token_hash: str
    kind: TokenKind
    grant_id: str
    client_id: str
    scopes: list[str]
    resource: str
    expires_at: float
    issued_at: float
    used: bool = False
    revoked: bool = False


class GrantStore(Protocol):
    """Persistence for clients, pending authorizations, codes, grants and tokens."""

    async def initialize(self) -> None: ...
    async def close(self) -> None: ...

    # clients
    async def get_client(self, client_id: str) -> ClientRecord | None: ...
    async def save_client(self, client: ClientRecord) -> None: ...
    async def touch_client(self, client_id: str, now: float) -> None:
        """Slide ``last_used_at`` forward so clients in use never expire."""

    async def purge_idle_clients(self, unused_since: float) -> int:
        """Delete dynamically registered clients idle since then that hold no live grant."""

    # pending authorizations
    async def save_pending(self, pending: PendingAuthorization) -> None: ...
    async def get_pending(self, id_hash: str) -> PendingAuthorization | None: ...
    async def get_pending_by_state(
        self, upstream_state_hash: str
    ) -> PendingAuthorization | None: ...
    async def advance_pending(
        self, id_hash: str, from_stage: PendingStage, to_stage: PendingStage, **fields: Any
    ) -> bool:
        """Move to ``to_stage`` (setting ``fields``) only if still at ``from_stage``; True if this call did."""

    async def update_pending(
        self, id_hash: str, from_stage: PendingStage, **fields: Any
    ) -> bool: ...
    async def delete_pending(self, id_hash: str) -> None: ...

    # authorization codes
    async def save_code(self, code: AuthorizationCodeRecord) -> None: ...
    async def get_code(self, code_hash: str) -> AuthorizationCodeRecord | None: ...
    async def consume_code(self, code_hash: str) -> bool:
        """Mark the code used; True only for the single caller that did."""

    # grants
    async def save_grant(self, grant: Grant) -> None: ...
    async def get_grant(self, grant_id: str) -> Grant | None: ...
    async def find_live_grant(
        self, subject: str, client_id: str, kind: GrantKind
    ) -> Grant | None: ...
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
        """Store new upstream tokens if nobody else did since ``expected_version``."""

    async def claim_refresh(
        self, grant_id: str, expected_version: int, lease_until: float, now: float
    ) -> bool:
        """Take the right to refresh the upstream token (until ``lease_until``) if nobody holds it
        and the grant is still at ``expected_version``; True only for the single caller that did."""

    async def release_refresh(self, grant_id: str, expected_version: int) -> None:
        """Give the lease back after a failed refresh (``replace_upstream`` clears it too)."""

    async def revoke_grant(self, grant_id: str) -> None:
        """Revoke the grant and every token issued under it (the whole token family)."""

    # Baton's tokens
    async def save_tokens(self, *tokens: TokenRecord) -> None: ...
    async def get_token(self, token_hash: str) -> TokenRecord | None: ...
    async def use_refresh_token(self, token_hash: str) -> bool:
        """Mark a refresh token used (rotation); True only for the single caller that did."""

    async def revoke_token(self, token_hash: str) -> None: ...
